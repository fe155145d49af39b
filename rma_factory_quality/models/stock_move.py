from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        """Validating an RMA receipt creates the quality inspections of the
        goods that reached RMA/Input (as superuser: the warehouse user has
        no quality rights)."""
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        received = moves.filtered(
            lambda m: m.rma_line_id and m.rma_move_kind == "receipt" and m.state == "done"
        )
        if received:
            received.rma_line_id.sudo()._create_inspections()
        return moves
