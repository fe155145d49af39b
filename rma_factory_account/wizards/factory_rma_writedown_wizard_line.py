from odoo import fields, models


class FactoryRmaWritedownWizardLine(models.TransientModel):
    _name = "factory.rma.writedown.wizard.line"
    _description = "RMA Defective Goods Write-down Line"

    wizard_id = fields.Many2one("factory.rma.writedown.wizard", required=True, ondelete="cascade")
    rma_line_id = fields.Many2one("factory.rma.line", "RMA Line", required=True, readonly=True)
    product_id = fields.Many2one(related="rma_line_id.product_id")
    responsibility = fields.Selection(related="rma_line_id.responsibility")
    quantity = fields.Float("Defective Quantity", digits="Product Unit of Measure", readonly=True)
    unit_cost = fields.Float(digits="Product Price", readonly=True)
    realisable_value = fields.Float(
        "Realisable Value", digits="Product Price", help="Net realisable value per unit."
    )
