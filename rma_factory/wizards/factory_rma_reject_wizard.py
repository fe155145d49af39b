from odoo import fields, models

from ..models.factory_rma import REJECT_ALTERNATIVES


class FactoryRmaRejectWizard(models.TransientModel):
    _name = "factory.rma.reject.wizard"
    _description = "Reject RMA"

    rma_ids = fields.Many2many("factory.rma", required=True)
    reason = fields.Text(required=True)
    alternative = fields.Selection(REJECT_ALTERNATIVES, "Proposed Alternative", required=True)

    def action_reject(self):
        self.ensure_one()
        self.rma_ids._reject(self.reason, self.alternative)
        return {"type": "ir.actions.act_window_close"}
