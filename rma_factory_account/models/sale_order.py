from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _prepare_invoice(self):
        """The invoice of a paid repair quotation (帮修品) made from an RMA
        repair order is linked to the RMA."""
        vals = super()._prepare_invoice()
        rma = self.sudo().repair_order_ids.rma_id[:1]
        if rma:
            vals["rma_id"] = rma.id
        return vals
