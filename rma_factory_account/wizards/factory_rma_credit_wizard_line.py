from odoo import fields, models


class FactoryRmaCreditWizardLine(models.TransientModel):
    _name = "factory.rma.credit.wizard.line"
    _description = "RMA Credit Note: Invoice Choice"

    wizard_id = fields.Many2one("factory.rma.credit.wizard", required=True, ondelete="cascade")
    rma_line_id = fields.Many2one("factory.rma.line", "RMA Line", required=True, readonly=True)
    rma_id = fields.Many2one(related="rma_line_id.rma_id")
    product_id = fields.Many2one(related="rma_line_id.product_id")
    company_id = fields.Many2one(related="rma_line_id.company_id")
    commercial_partner_id = fields.Many2one(related="rma_line_id.rma_id.commercial_partner_id")
    quantity = fields.Float("To Credit", digits="Product Unit of Measure", readonly=True)
    invoice_line_ids = fields.Many2many(
        "account.move.line",
        string="Invoice Lines",
        domain="[('move_id.move_type', '=', 'out_invoice'), ('parent_state', '=', 'posted'), "
        "('product_id', '=', product_id), ('company_id', '=', company_id), "
        "('move_id.commercial_partner_id', '=', commercial_partner_id)]",
    )
    not_invoiced = fields.Boolean(
        "Not Invoiced", help="The goods were never invoiced: nothing is credited for this line."
    )
