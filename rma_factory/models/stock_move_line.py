from odoo import fields, models


class StockMoveLine(models.Model):
    """Shows the repaired mark of the lot on every transfer line."""

    _inherit = "stock.move.line"

    rma_lot_repaired = fields.Boolean(related="lot_id.rma_repaired", string="Repaired Goods")
