from odoo import fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    rma_id = fields.Many2one(
        "factory.rma",
        "RMA",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="RMA whose credit note this refund payment pays back.",
    )
