from odoo import fields, models


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    rma_line_id = fields.Many2one(
        "factory.rma.line", "RMA Line", index="btree_not_null", readonly=True
    )

    def _prepare_move_values(self):
        vals = super()._prepare_move_values()
        if self.rma_line_id:
            vals.update(rma_line_id=self.rma_line_id.id, rma_move_kind="scrap")
        return vals
