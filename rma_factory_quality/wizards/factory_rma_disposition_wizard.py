from odoo import api, fields, models

from odoo.addons.rma_factory.models.factory_rma_outcome import (
    DEFAULT_DESTINATION,
    DESTINATIONS,
    OUTCOMES,
)


class FactoryRmaDispositionWizard(models.TransientModel):
    _name = "factory.rma.disposition.wizard"
    _description = "Override RMA Line Decision"

    line_id = fields.Many2one("factory.rma.line", required=True)
    current_outcome = fields.Selection(related="line_id.decided_outcome")
    outcome = fields.Selection(OUTCOMES, required=True)
    destination = fields.Selection(
        DESTINATIONS, compute="_compute_destination", store=True, readonly=False, required=True
    )
    reason = fields.Text(required=True)

    @api.depends("outcome")
    def _compute_destination(self):
        for wizard in self:
            wizard.destination = DEFAULT_DESTINATION.get(wizard.outcome, False)

    def action_confirm(self):
        self.ensure_one()
        self.line_id._override_disposition(self.outcome, self.destination, self.reason)
        return {"type": "ir.actions.act_window_close"}
