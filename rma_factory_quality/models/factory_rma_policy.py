from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from .factory_rma_defect import SEVERITIES
from .factory_rma_inspection import MIN_SAMPLE_PERCENT


class FactoryRmaPolicy(models.Model):
    _inherit = "factory.rma.policy"

    quality_inspection = fields.Boolean(
        default=True,
        help="Received goods get a quality inspection that decides their outcome; when off, "
        "outcomes are decided by hand on the RMA.",
    )
    outgoing_check = fields.Boolean(
        "Outgoing Quality Check",
        default=True,
        help="Repaired goods, goods sent back and goods returned to sellable stock pass an "
        "outgoing quality check (OQC) before their transfer can be validated; goods returned "
        "to sellable stock also need the Quality Manager's sign-off.",
    )
    sample_percent = fields.Float(
        "Minimum Sample (%)",
        default=MIN_SAMPLE_PERCENT,
        help="Smallest share of the returned quantity the inspector samples (at least one "
        "unit, rounded up; never below 10 %).",
    )
    inspection_days = fields.Integer(
        "Inspection Days",
        default=7,
        help="Calendar days from receipt to finish an inspection before defects are known; "
        "the defects found set their own (appearance 7, function 28).",
    )
    default_severity = fields.Selection(
        SEVERITIES,
        default="minor",
        required=True,
        help="Severity of defects that no severity rule covers.",
    )
    quality_user_id = fields.Many2one(
        "res.users",
        "Default Inspector",
        domain=[("share", "=", False)],
        help="Inspections are assigned to this user; otherwise to the first Quality Inspector.",
    )

    @api.constrains("sample_percent")
    def _check_sample_percent(self):
        for policy in self:
            if (
                float_compare(policy.sample_percent, MIN_SAMPLE_PERCENT, precision_digits=2) < 0
                or float_compare(policy.sample_percent, 100.0, precision_digits=2) > 0
            ):
                raise ValidationError(
                    _(
                        "%(policy)s: the minimum sample must be between %(min)s %% and 100 %%.",
                        policy=policy.name,
                        min=MIN_SAMPLE_PERCENT,
                    )
                )
