from odoo import api, fields, models

from .factory_rma import RMA_READER_GROUPS


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    rma_line_ids = fields.One2many(
        "factory.rma.line", "sale_line_id", string="RMA Lines", groups=RMA_READER_GROUPS
    )

    @api.depends(
        "rma_line_ids.qty_received",
        "rma_line_ids.product_uom_id",
        "rma_line_ids.decided_outcome",
        "rma_line_ids.is_third_party",
        "rma_line_ids.rma_id.policy_id.credit_return_only",
        "rma_line_ids.state",
    )
    def _compute_qty_delivered(self):  # pylint: disable=missing-return
        """RMA receipts are real returns (``to_refund``) so Odoo lowers the
        delivered quantity and values the return at the original cost. Only
        goods that are credited (refund, return-only) stay returned; goods
        still under judgement, repaired, replaced or sent back are added
        back, so that the order is never "to invoice" because of an RMA.

        The RMA lines are read as superuser: the quantity is the order's own
        figure, and Odoo modules call this method directly for users without
        RMA rights (a salesperson)."""
        super()._compute_qty_delivered()
        for line in self:
            if line.qty_delivered_method != "stock_move":
                continue
            rma_lines = line.sudo().rma_line_ids
            if not rma_lines:
                continue
            add_back = 0.0
            for rma_line in rma_lines:
                if rma_line.state in ("cancelled", "rejected") or rma_line._credits_customer():
                    continue
                add_back += rma_line.product_uom_id._compute_quantity(
                    rma_line.qty_received, line.product_uom, rounding_method="HALF-UP"
                )
            line.qty_delivered += add_back
