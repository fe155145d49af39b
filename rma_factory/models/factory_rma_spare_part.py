from odoo import _, fields, models
from odoo.exceptions import UserError


class FactoryRma(models.Model):
    """Spare part first: the defective part need not come back.

    An RMA Manager records that the defective part replaced by a spare part
    is not required back (an international customer, a part not worth the
    freight, AS-23): its receipt is cancelled and the RMA is done once the
    spare parts are delivered. The accounting addon then books the spare
    part's cost (warranty cost) instead of leaving it on the stock interim.
    """

    _inherit = "factory.rma"

    spare_return_waived = fields.Boolean(
        "Defective Part Not Required",
        readonly=True,
        copy=False,
        tracking=True,
        groups="base.group_user",
        help="An RMA Manager recorded that the defective part need not come back.",
    )

    def _workflow_fields(self):
        """The waiver is recorded by its button."""
        return super()._workflow_fields() | {"spare_return_waived"}

    def _check_can_waive_spare_return(self):
        self._check_group(
            "rma_factory.group_rma_manager", _("waive the return of a defective part")
        )
        self._check_state(("approved",), _("Waiving the return of the defective part"))
        for rma in self:
            if rma.rma_type != "spare_part":
                raise UserError(_("%(rma)s is not a spare-part RMA.", rma=rma.name))
            if any(rma.line_ids.mapped("qty_received")):
                raise UserError(_("A defective part of %(rma)s already came back.", rma=rma.name))
            undelivered = rma.line_ids.filtered(
                lambda x: not x.is_third_party and x.qty_replaced < x.quantity
            )
            if undelivered:
                raise UserError(
                    _(
                        "Deliver the spare part %(product)s of %(rma)s first.",
                        product=undelivered[0].replacement_product_id.display_name,
                        rma=rma.name,
                    )
                )

    def action_waive_spare_return(self):
        """Button "Part Not Required Back": cancel the receipt of the
        defective parts and close the RMA."""
        self._lock_for_update()
        self._check_can_waive_spare_return()
        self._write_workflow({"spare_return_waived": True})
        receipts = self.line_ids.move_ids.filtered(
            lambda m: m.rma_move_kind == "receipt" and m.state not in ("done", "cancel")
        )
        if receipts:
            receipts.sudo()._action_cancel()
        for rma in self:
            rma.message_post(
                body=_(
                    "The defective part need not come back (recorded by %s).", self.env.user.name
                )
            )
        self.filtered(lambda r: r.state == "approved")._action_done()
        return True
