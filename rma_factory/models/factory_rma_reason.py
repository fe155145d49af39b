from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .factory_rma_outcome import OUTCOMES


class FactoryRmaReason(models.Model):
    """Reason stated by the customer. The category (quality / non-quality)
    drives defaults such as criterion B and, later, freight and costs."""

    _name = "factory.rma.reason"
    _description = "RMA Reason"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    category = fields.Selection(
        [("quality", "Quality"), ("non_quality", "Non-quality")],
        required=True,
        default="quality",
    )
    allowed_outcome_ids = fields.Many2many(
        "factory.rma.outcome",
        string="Allowed Outcomes",
        help="Leave empty to allow every outcome.",
    )
    default_outcome = fields.Selection(OUTCOMES, string="Default Requested Outcome")
    description = fields.Text(translate=True)
    company_id = fields.Many2one("res.company")

    def _allows_outcome(self, outcome):
        self.ensure_one()
        return not self.allowed_outcome_ids or outcome in self.allowed_outcome_ids.mapped("code")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        used = (
            self.env["factory.rma.line"]
            .sudo()
            .with_context(active_test=False)
            .search([("reason_id", "in", self.ids)], limit=1)
        )
        if used:
            raise UserError(
                _(
                    "The reason “%(reason)s” is used by %(rma)s: archive it instead.",
                    reason=used.reason_id.name,
                    rma=used.rma_id.name,
                )
            )
