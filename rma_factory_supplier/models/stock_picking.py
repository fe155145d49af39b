from odoo import api, fields, models

from .factory_rma_supplier_return import SUPPLIER_RETURN_READERS


class StockPicking(models.Model):
    """A validated return or replacement picking updates its supplier return."""

    _inherit = "stock.picking"

    rma_supplier_return_id = fields.Many2one(
        "factory.rma.supplier.return",
        "Supplier Return",
        compute="_compute_rma_supplier_return_id",
        store=True,
        index="btree_not_null",
        groups=SUPPLIER_RETURN_READERS,
    )

    @api.depends("move_ids.rma_supplier_return_id")
    def _compute_rma_supplier_return_id(self):
        for picking in self:
            picking.rma_supplier_return_id = picking.move_ids.rma_supplier_return_id[:1]

    def _action_done(self):
        res = super()._action_done()
        # the warehouse user validating the transfer causes the return's
        # state: written by the workflow
        self.sudo().rma_supplier_return_id._sync_state_from_stock()
        return res
