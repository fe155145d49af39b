from odoo import fields, models


class FactoryRmaPolicy(models.Model):
    _inherit = "factory.rma.policy"

    charge_unreturned_spare_parts = fields.Boolean(
        "Charge Unreturned Spare Parts",
        default=True,
        help="Once the return deadline of a spare-part RMA has passed, the spare part of a "
        "defective part that did not come back can be invoiced to the customer.",
    )
