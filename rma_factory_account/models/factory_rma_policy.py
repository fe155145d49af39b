from dateutil.relativedelta import relativedelta

from odoo import fields, models


class FactoryRmaPolicy(models.Model):
    _inherit = "factory.rma.policy"

    charge_unreturned_spare_parts = fields.Boolean(
        "Charge Unreturned Spare Parts",
        default=True,
        help="Once the return deadline of a spare-part RMA has passed, the spare part of a "
        "defective part that did not come back can be invoiced to the customer.",
    )
    misjudgment_threshold = fields.Integer(
        "Repeated Misjudgment From",
        default=2,
        help="The customer's invalid claim (not confirmed by the judgement) of this rank in a "
        "period makes the RMA a repeated misjudgment: its handling costs are sales expense "
        "and can be charged to the customer (RESP-11). 0 disables it.",
    )
    misjudgment_period = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        "Misjudgment Period",
        default="quarter",
        required=True,
        help="Period in which a customer's invalid claims are counted.",
    )

    def _misjudgment_period_bounds(self, day):
        """(first day, first day of the next period) of the period of ``day``."""
        self.ensure_one()
        months = {"month": 1, "quarter": 3, "year": 12}[self.misjudgment_period]
        start = day.replace(day=1, month=(day.month - 1) // months * months + 1)
        return start, start + relativedelta(months=months)
