from odoo import fields, models

from .factory_rma_defect import SEVERITIES


class FactoryRmaPolicy(models.Model):
    _inherit = "factory.rma.policy"

    quality_inspection = fields.Boolean(
        default=True,
        help="Received goods get a quality inspection that decides their outcome; when off, "
        "outcomes are decided by hand on the RMA.",
    )
    sample_percent = fields.Float(
        "Minimum Sample (%)",
        default=10.0,
        help="Smallest share of the returned quantity the inspector samples (at least one "
        "unit, rounded up).",
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
