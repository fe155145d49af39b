from odoo import fields, models


class FactoryRmaPolicy(models.Model):
    """The supplier's deadline and the rates of the costs charged back to a supplier."""

    _inherit = "factory.rma.policy"

    supplier_8d_working_days = fields.Integer(
        "Supplier 8D Reply (working days)",
        default=2,
        help="Working days on the company calendar the supplier has to answer an 8D request "
        "with its cause and handling plan, counted from the day after the request was sent.",
    )
    supplier_sorting_rate = fields.Float(
        "Sorting Rate (per unit)",
        digits="Product Price",
        help="Charged to the supplier for every unit sorted because of its defect, in "
        "company currency.",
    )
    supplier_rework_rate = fields.Float(
        "Rework Rate (per hour)",
        digits="Product Price",
        help="Charged to the supplier for every hour of rework caused by its defect, in "
        "company currency.",
    )
