from odoo import _, fields, models
from odoo.exceptions import UserError

from .factory_rma_supplier_return import RETURN_GROUPS, RETURN_RMA_STATES


class FactoryRmaLine(models.Model):
    """Return to vendor from a line judged "supplier" (or of a supplier lot)."""

    _inherit = "factory.rma.line"

    supplier_return_ids = fields.One2many(
        "factory.rma.supplier.return", "line_id", "Supplier Returns", groups="base.group_user"
    )

    def _check_can_return_to_supplier(self):
        self._check_any_group(RETURN_GROUPS, _("return goods to the vendor"))
        self._check_state(RETURN_RMA_STATES, _("Returning goods to the vendor"))
        Return = self.env["factory.rma.supplier.return"]
        for line in self.sudo():
            if line.responsibility != "supplier" and not Return._find_vendor_receipt_move(
                line.product_id, line.lot_id, self.env["res.partner"], line.company_id
            ):
                raise UserError(
                    _(
                        "%s is neither judged a supplier's responsibility nor of a lot "
                        "received from a vendor.",
                        line.display_name,
                    )
                )

    def action_return_to_supplier(self):
        """A draft return to the vendor of the line's defective goods (the
        open draft when there is one)."""
        self.ensure_one()
        self._check_can_return_to_supplier()
        self._lock_for_update()
        Return = self.env["factory.rma.supplier.return"]
        sreturn = self.sudo().supplier_return_ids.filtered(lambda r: r.state == "draft")[:1]
        if not sreturn:
            # the line's button creates the draft (the caller's group and
            # the RMA's state are checked above)
            sreturn = Return.sudo().create(Return._prepare_supplier_return_vals(self))
            sreturn.qty_defective = sreturn._defective_available()
        return {
            "type": "ir.actions.act_window",
            "res_model": "factory.rma.supplier.return",
            "res_id": sreturn.id,
            "views": [(False, "form")],
        }
