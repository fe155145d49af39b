from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero


class FactoryRmaLine(models.Model):
    """Splitting a line by quantity, and surplus goods accepted on a line of their own."""

    _inherit = "factory.rma.line"

    split_from_id = fields.Many2one(
        "factory.rma.line", readonly=True, copy=False, groups="base.group_user"
    )
    surplus_of_id = fields.Many2one(
        "factory.rma.line",
        "Surplus of",
        readonly=True,
        copy=False,
        help="Goods the customer sent beyond the authorised quantity of that line, accepted by an "
        "RMA Manager.",
        groups="base.group_user",
    )

    def _workflow_fields(self):
        """A split or an accepted surplus adjusts the quantities through its button."""
        return super()._workflow_fields() | {
            "qty_received_adjust",
            "split_from_id",
            "surplus_of_id",
        }

    def action_open_surplus_wizard(self):
        self.ensure_one()
        self._check_can_authorise_surplus()
        return self._rma_dialog_action(
            "factory.rma.line.surplus.wizard", _("Accept Surplus"), {"default_line_id": self.id}
        )

    def _check_can_authorise_surplus(self):
        self._check_group(
            "rma_factory.group_rma_manager", _("accept goods beyond the authorised quantity")
        )
        for line in self:
            if line.state not in ("approved", "received") or not line._expects_goods_back():
                raise UserError(
                    _(
                        "A surplus can be accepted only while the goods of %s are received.",
                        line.display_name,
                    )
                )

    def _prepare_surplus_line_vals(self, qty):
        """The new line of a surplus: same goods and origin, its own
        quantity; the returnable-quantity check applies to it."""
        self.ensure_one()
        return {
            "rma_id": self.rma_id.id,
            "sequence": self.sequence,
            "product_id": self.product_id.id,
            "product_uom_id": self.product_uom_id.id,
            "lot_id": self.lot_id.id,
            "quantity": qty,
            "price_unit": self.price_unit,
            "sale_line_id": self.sale_line_id.id,
            "move_id": self.move_id.id,
            "invoice_line_id": self.invoice_line_id.id,
            "reason_id": self.reason_id.id,
            "requested_outcome": self.requested_outcome,
            "description": self.description,
            "is_third_party": self.is_third_party,
            "cond_original_packaging": self.cond_original_packaging,
            "cond_accessories_complete": self.cond_accessories_complete,
            "cond_no_human_damage": self.cond_no_human_damage,
            "eligibility_state": self.eligibility_state,
            "eligibility_note": self.eligibility_note,
            "warranty_end_date": self.warranty_end_date,
            "delivery_date": self.delivery_date,
            "surplus_of_id": self.id,
        }

    def _authorise_surplus(self, qty, note):
        """An RMA Manager accepts goods the customer sent beyond the
        authorised quantity: a new line for them, and a receipt move on the
        RMA's open receipt (or a new one). Returns the new line."""
        self.ensure_one()
        self._check_can_authorise_surplus()
        self.rma_id._lock_for_update()
        if float_compare(qty, 0.0, precision_rounding=self._qty_rounding()) <= 0:
            raise UserError(_("The surplus quantity must be positive."))
        if not (note or "").strip():
            raise UserError(_("Record why the surplus is accepted."))
        # the line and its receipt are the workflow's: rights and state are
        # checked above
        new_line = self.sudo().create(self._prepare_surplus_line_vals(qty))
        open_receipt = self.rma_id.picking_ids.filtered(
            lambda p: (
                p.picking_type_id == self.rma_id.warehouse_id.rma_in_type_id
                and p.state not in ("done", "cancel")
            )
        )[:1]
        if open_receipt:
            move = (
                self.env["stock.move"]
                .sudo()
                .create(dict(new_line._prepare_receipt_move_vals(), picking_id=open_receipt.id))
            )
            move._action_confirm(merge=False)
            move._action_assign()
        else:
            self.rma_id.sudo()._create_receipts(lines=new_line)
        self.rma_id._log_approval("surplus", note)
        self.rma_id.message_post(
            body=_(
                "Surplus of %(qty)s %(product)s accepted by %(user)s: %(note)s",
                qty=qty,
                product=self.product_id.display_name,
                user=self.env.user.name,
                note=note,
            )
        )
        return new_line.with_env(self.env)

    def action_open_split_wizard(self):
        self.ensure_one()
        self._check_can_split()
        return self._rma_dialog_action(
            "factory.rma.line.split.wizard", _("Split Line"), {"default_line_id": self.id}
        )

    def _check_can_split(self):
        self.ensure_one()
        self._check_group("rma_factory.group_rma_user", _("split RMA lines"))
        if self.state not in ("draft", "submitted", "received", "judged"):
            raise UserError(_("Lines can be split only before the outcomes run."))
        rounding = self._qty_rounding()
        if not float_is_zero(self.qty_pending_receipt, precision_rounding=rounding):
            raise UserError(
                _(
                    "Wait until the goods of this line are received, or cancel the rest of the receipt."  # noqa: E501
                )
            )
        if not float_is_zero(self.qty_processed, precision_rounding=rounding):
            raise UserError(_("This line already has outcome documents and cannot be split."))

    def _split(self, qty, vals=None):
        """Move ``qty`` of this line (requested and received) to a new line
        with its own outcome. Returns the new line."""
        self.ensure_one()
        self._check_can_split()
        rounding = self._qty_rounding()
        received = not float_is_zero(self.qty_received, precision_rounding=rounding)
        base = self.qty_received if received else self.quantity
        if (
            float_compare(qty, 0.0, precision_rounding=rounding) <= 0
            or float_compare(qty, base, precision_rounding=rounding) >= 0
        ):
            raise UserError(_("The quantity to split must be positive and less than %s.", base))
        new_vals = {
            "quantity": qty,
            "split_from_id": self.id,
            "qty_received_adjust": qty if received else 0.0,
            "eligibility_state": self.eligibility_state,
            "eligibility_note": self.eligibility_note,
            "warranty_end_date": self.warranty_end_date,
            "delivery_date": self.delivery_date,
            "price_unit": self.price_unit,
        }
        new_vals.update(vals or {})
        # Reduce this line first so that the returnable-quantity constraint
        # never sees both quantities at once. The split is the workflow's:
        # rights and state were checked above.
        self._write_workflow(
            {
                "quantity": self.quantity - qty,
                "qty_received_adjust": self.qty_received_adjust - (qty if received else 0.0),
            }
        )
        new_line = self.sudo().copy(new_vals).with_env(self.env)
        self.rma_id.message_post(
            body=_(
                "Line %(product)s split: %(qty)s moved to a new line.",
                product=self.product_id.display_name,
                qty=qty,
            )
        )
        return new_line
