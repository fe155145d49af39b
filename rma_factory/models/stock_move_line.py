from odoo import api, fields, models


class StockMoveLine(models.Model):
    """Shows the repaired mark of the goods on every transfer line and on
    the delivery slip (STK-08)."""

    _inherit = "stock.move.line"

    rma_lot_repaired = fields.Boolean(related="lot_id.rma_repaired", string="Repaired Goods")
    rma_repaired_goods = fields.Boolean(
        "Repaired RMA Goods",
        compute="_compute_rma_repaired_goods",
        help="Goods repaired on a customer return: a lot or serial number with the repaired "
        "mark, or goods taken from a warehouse's RMA/Repaired store.",
    )

    @api.depends("lot_id.rma_repaired", "location_id")
    def _compute_rma_repaired_goods(self):
        repaired_stores = (
            self.env["stock.warehouse"]
            .sudo()
            .with_context(active_test=False)
            .search([("rma_repaired_loc_id", "in", self.location_id.ids)])
            .rma_repaired_loc_id
        )
        for line in self:
            line.rma_repaired_goods = bool(
                line.lot_id.rma_repaired or line.location_id in repaired_stores
            )
