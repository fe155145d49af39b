from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    rma_warranty_months = fields.Integer(
        "Warranty (months)",
        help="Warranty used for RMA eligibility when the product sets none. "
        "0 falls back to the return policy.",
    )
