from odoo import api, fields, models


class FactoryRmaCreditWizardLine(models.TransientModel):
    _name = "factory.rma.credit.wizard.line"
    _description = "RMA Credit Note: Invoice Choice"

    wizard_id = fields.Many2one("factory.rma.credit.wizard", required=True, ondelete="cascade")
    rma_line_id = fields.Many2one("factory.rma.line", "RMA Line", required=True, readonly=True)
    rma_id = fields.Many2one(related="rma_line_id.rma_id")
    product_id = fields.Many2one(related="rma_line_id.product_id")
    company_id = fields.Many2one(related="rma_line_id.company_id")
    commercial_partner_id = fields.Many2one(related="rma_line_id.rma_id.commercial_partner_id")
    sale_line_id = fields.Many2one(related="rma_line_id.sale_line_id")
    quantity = fields.Float("To Credit", digits="Product Unit of Measure", readonly=True)
    invoice_line_ids = fields.Many2many(
        "account.move.line",
        string="Invoice Lines",
        domain="[('id', 'in', allowed_invoice_line_ids)]",
    )
    allowed_invoice_line_ids = fields.Many2many(
        "account.move.line", compute="_compute_allowed_invoice_line_ids"
    )
    not_invoiced = fields.Boolean(
        "Not Invoiced", help="The goods were never invoiced: nothing is credited for this line."
    )

    @api.depends("rma_line_id")
    def _compute_allowed_invoice_line_ids(self):
        """Posted invoice lines of the customer for the product (and of the
        line's sale line when it has one)."""
        for line in self:
            domain = [
                ("move_id.move_type", "=", "out_invoice"),
                ("parent_state", "=", "posted"),
                ("product_id", "=", line.product_id.id),
                ("company_id", "=", line.company_id.id),
                ("move_id.commercial_partner_id", "=", line.commercial_partner_id.id),
            ]
            if line.sale_line_id:
                domain.append(("sale_line_ids", "in", line.sale_line_id.ids))
            line.allowed_invoice_line_ids = self.env["account.move.line"].search(domain)
