from odoo import fields, models


class FactoryRmaCustomerMessage(models.Model):
    """The 8D report sent to the customer, on the customer's timeline (the
    report went with the mail composer's message)."""

    _inherit = "factory.rma.customer.message"

    step = fields.Selection(
        selection_add=[("eightd", "8D report sent")], ondelete={"eightd": "cascade"}
    )
