from odoo import fields, models


class FactoryRmaLineSpecialWizard(models.TransientModel):
    _name = "factory.rma.line.special.wizard"
    _description = "Special Replacement Quantity"

    line_id = fields.Many2one("factory.rma.line", required=True)
    note = fields.Text("Customer's Request", required=True)

    def action_confirm(self):
        self.ensure_one()
        self.line_id._record_replacement_special_request(self.note)
        return {"type": "ir.actions.act_window_close"}
