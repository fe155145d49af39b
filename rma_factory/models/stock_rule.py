from odoo import models


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _get_custom_move_fields(self):
        """Moves created by the rules for an RMA procurement keep their RMA
        line and kind (``_prepare_procurement_values`` of the RMA line)."""
        return super()._get_custom_move_fields() + ["rma_line_id", "rma_move_kind"]

    def _push_prepare_move_copy_values(self, move_to_copy, new_date):
        """The next step of a multi-step RMA delivery (pack, ship) belongs to
        the same RMA line."""
        values = super()._push_prepare_move_copy_values(move_to_copy, new_date)
        if move_to_copy.rma_line_id:
            values.update(
                rma_line_id=move_to_copy.rma_line_id.id,
                rma_move_kind=move_to_copy.rma_move_kind,
            )
        return values
