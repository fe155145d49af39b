from odoo import fields, models

from ..models.factory_rma_defect import SEVERITIES


class FactoryRmaSeverityWizard(models.TransientModel):
    _name = "factory.rma.severity.wizard"
    _description = "Raise RMA Severity"

    inspection_id = fields.Many2one("factory.rma.inspection", required=True)
    current_severity = fields.Selection(related="inspection_id.severity", string="Current Severity")
    severity = fields.Selection(SEVERITIES, default="major", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.inspection_id._raise_severity(self.severity, self.reason)
        return {"type": "ir.actions.act_window_close"}
