from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    rma_escalation_step = fields.Char(
        index="btree_not_null",
        help="Deadline an RMA escalation activity stands for; keeps the "
        "escalation cron from creating the same activity twice.",
    )
