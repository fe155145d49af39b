from odoo import _, fields, models
from odoo.exceptions import UserError

from .factory_rma import RMA_READER_GROUPS


class AccountMove(models.Model):
    _inherit = "account.move"

    rma_origin_ids = fields.One2many(
        "factory.rma", "invoice_id", string="RMAs", groups=RMA_READER_GROUPS
    )

    def _post(self, soft=True):
        """Posting sets the date of invoices and credit notes that have
        none, on which the RMA lines of their items depend
        (``delivery_date``): the RMA lines of all their items are read at
        once, instead of searched once per document while they are posted."""
        undated = self.filtered(
            lambda m: not m.invoice_date and m.is_sale_document(include_receipts=True)
        )
        undated.sudo().line_ids.fetch(["rma_return_line_ids"])
        return super()._post(soft=soft)

    def action_create_rma(self):
        """Button on a posted customer invoice: a draft RMA for the invoiced
        goods not yet returned, through their delivery moves."""
        self.ensure_one()
        if self.move_type != "out_invoice" or self.state != "posted":
            raise UserError(_("An RMA can only be created from a posted customer invoice."))
        Line = self.env["factory.rma.line"]
        line_vals = []
        for inv_line in self.invoice_line_ids.filtered(lambda x: x.product_id.type == "consu"):
            moves = inv_line.sale_line_ids.move_ids._rma_returnable_deliveries()
            left = inv_line.product_uom_id._compute_quantity(
                inv_line.quantity, inv_line.product_id.uom_id
            )
            for move in moves:
                for vals in Line._prepare_vals_from_move(move, max_qty=left):
                    left -= vals["quantity"]
                    vals["invoice_line_id"] = inv_line.id
                    line_vals.append(vals)
        if not line_vals:
            raise UserError(_("Nothing left to return on this invoice."))
        sale_orders = self.invoice_line_ids.sale_line_ids.order_id
        vals = self.env["factory.rma"]._prepare_rma_vals_from_partner(
            self.partner_id, self.company_id
        )
        vals.update(
            invoice_id=self.id,
            sale_order_id=sale_orders.id if len(sale_orders) == 1 else False,
            line_ids=[fields.Command.create(v) for v in line_vals],
        )
        rma = self.env["factory.rma"].create(vals)
        return rma._action_open_form()
