from odoo import _, fields, models
from odoo.exceptions import UserError

from .factory_rma_inspection import QUALITY_INSPECTOR


class StockPicking(models.Model):
    """RMA transfers blocked until their outgoing quality check passed."""

    _inherit = "stock.picking"

    rma_oqc_ids = fields.One2many(
        "factory.rma.oqc",
        "picking_id",
        "Outgoing Checks",
        readonly=True,
        groups="stock.group_stock_user,rma_factory_quality.group_quality_inspector",
    )
    rma_oqc_state = fields.Selection(
        [("todo", "To check"), ("failed", "Failed"), ("signoff", "To sign off"), ("ok", "Passed")],
        "Outgoing Check",
        compute="_compute_rma_oqc_state",
        compute_sudo=True,
    )

    def _compute_rma_oqc_state(self):
        for picking in self:
            checks = picking.rma_oqc_ids.filtered(lambda c: c.state != "cancelled")
            if not checks:
                picking.rma_oqc_state = False
            elif all(checks.mapped("is_released")):
                picking.rma_oqc_state = "ok"
            elif any(c.state == "failed" for c in checks):
                picking.rma_oqc_state = "failed"
            elif all(c.state == "passed" for c in checks):
                picking.rma_oqc_state = "signoff"
            else:
                picking.rma_oqc_state = "todo"

    def _check_rma_outgoing_checks(self):
        """Refuse to validate an RMA transfer that needs an outgoing check
        (goods repaired or sent back, goods returned to sellable stock)
        before it is released: passed, and signed off by the Quality
        Manager when the goods return to sellable stock."""
        Oqc = self.env["factory.rma.oqc"].sudo()
        for picking in self.filtered("rma_id"):
            if not Oqc._kind_of_picking(picking.sudo()):
                continue
            checks = Oqc.search([("picking_id", "=", picking.id), ("state", "!=", "cancelled")])
            if not checks:
                raise UserError(
                    _(
                        "%(picking)s needs an outgoing quality check before it can be "
                        "validated: quality creates it from the transfer.",
                        picking=picking.name,
                    )
                )
            blocked = checks.filtered(lambda c: not c.is_released)
            if blocked:
                check = blocked[0]
                if check.state == "passed":
                    raise UserError(
                        _(
                            "%(picking)s returns goods to sellable stock: the outgoing check "
                            "%(check)s passed and needs the Quality Manager's sign-off.",
                            picking=picking.name,
                            check=check.name,
                        )
                    )
                raise UserError(
                    _(
                        "%(picking)s cannot be validated before its outgoing quality check "
                        "%(check)s passed.",
                        picking=picking.name,
                        check=check.name,
                    )
                )

    def _action_done(self):
        self._check_rma_outgoing_checks()
        return super()._action_done()

    def action_rma_create_oqc(self):
        """Quality creates the missing outgoing check of an RMA transfer
        (one made before the outgoing check was switched on)."""
        self.env["factory.rma.oqc"]._check_group(QUALITY_INSPECTOR, _("record outgoing checks"))
        checks = self.env["factory.rma.oqc"]._create_for_pickings(self)
        if not checks:
            raise UserError(_("These transfers need no outgoing check, or already have one."))
        return self.action_view_rma_oqc()

    def action_view_rma_oqc(self):
        self.ensure_one()
        checks = self.rma_oqc_ids
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "rma_factory_quality.action_factory_rma_oqc"
        )
        action["domain"] = [("id", "in", checks.ids)]
        action["context"] = {"create": False}
        if len(checks) == 1:
            action.update(views=[(False, "form")], res_id=checks.id)
        return action
