from odoo import fields, models


class FactoryRmaDeadlineReport(models.Model):
    """The inspection deadline (case cycle by defect kind: appearance 7
    days, function 28) joins the late-steps report."""

    _inherit = "factory.rma.deadline.report"

    _depends = {"factory.rma": ["inspection_deadline"]}

    step = fields.Selection(selection_add=[("inspection", "Inspection")])

    def _steps(self):
        return super()._steps() + [("inspection", "inspection_deadline", "date_judged")]
