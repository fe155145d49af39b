from odoo import models


class FactoryRmaLine(models.Model):
    """Outgoing quality checks of the transfers a line's outcome creates."""

    _inherit = "factory.rma.line"

    def _run_outcomes(self):
        """The transfers that send goods back or return them to sellable
        stock get their outgoing check."""
        res = super()._run_outcomes()
        self.env["factory.rma.oqc"]._create_for_pickings(self.sudo().move_ids.picking_id)
        return res

    def _create_send_back_for_repairs(self, repairs):
        """Repaired goods get their outgoing check before they ship."""
        pickings = super()._create_send_back_for_repairs(repairs)
        self.env["factory.rma.oqc"]._create_for_pickings(pickings)
        return pickings
