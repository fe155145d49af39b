from odoo import api, fields, models

from ..models.factory_rma_outcome import DESTINATIONS, OUTCOMES


class FactoryRmaLineSplitWizard(models.TransientModel):
    _name = "factory.rma.line.split.wizard"
    _description = "Split RMA Line"

    line_id = fields.Many2one("factory.rma.line", required=True)
    product_id = fields.Many2one(related="line_id.product_id")
    available_qty = fields.Float(compute="_compute_available_qty", digits="Product Unit of Measure")
    quantity = fields.Float("Quantity to Split", digits="Product Unit of Measure", required=True)
    decided_outcome = fields.Selection(OUTCOMES)
    destination = fields.Selection(DESTINATIONS, "Goods Destination")

    @api.depends("line_id.qty_received", "line_id.quantity")
    def _compute_available_qty(self):
        for wizard in self:
            line = wizard.line_id
            wizard.available_qty = line.qty_received or line.quantity

    def action_split(self):
        self.ensure_one()
        vals = {}
        if self.decided_outcome:
            vals["decided_outcome"] = self.decided_outcome
        if self.destination:
            vals["destination"] = self.destination
        self.line_id._split(self.quantity, vals)
        return {"type": "ir.actions.act_window_close"}
