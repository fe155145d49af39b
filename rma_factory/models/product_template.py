from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    rma_warranty_months = fields.Integer(
        "Warranty (months)",
        help="Warranty used for RMA eligibility (criterion A). 0 falls back to "
        "the category, then to the return policy.",
    )

    def _rma_warranty_months(self, policy):
        self.ensure_one()
        return (
            self.rma_warranty_months
            or self.categ_id.rma_warranty_months
            or (policy.warranty_months if policy else 0)
        )
