from odoo import fields, models


class FactoryRmaLineSurplusWizard(models.TransientModel):
    _name = "factory.rma.line.surplus.wizard"
    _description = "Accept Surplus Goods"

    line_id = fields.Many2one("factory.rma.line", required=True, readonly=True)
    product_uom_id = fields.Many2one(related="line_id.product_uom_id")
    quantity = fields.Float("Surplus", digits="Product Unit of Measure", required=True)
    note = fields.Text("Reason", required=True)

    def action_confirm(self):
        self.ensure_one()
        self.line_id._authorise_surplus(self.quantity, self.note)
        return {"type": "ir.actions.act_window_close"}
