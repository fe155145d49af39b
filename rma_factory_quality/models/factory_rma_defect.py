from odoo import api, fields, models

#: defect categories of the catalogue; the severity rules and the
#: inspection deadline work per category (SEV-01, SEV-05).
DEFECT_CATEGORIES = [
    ("appearance", "Appearance"),
    ("dimension", "Dimension out of tolerance"),
    ("engraving", "Wrong engraving"),
    ("mixed_material", "Mixed material"),
    ("cracking", "Cracking"),
    ("function", "Function"),
    ("packaging", "Packaging"),
    ("missing_parts", "Missing parts"),
    ("other", "Other"),
]

#: handling cycle by nature (SEV-05): appearance one week, function four.
DEFAULT_INSPECTION_DAYS = {"function": 28}

SEVERITIES = [("minor", "Minor (轻微)"), ("major", "Major (严重)")]


class FactoryRmaDefect(models.Model):
    """Defect catalogue used by the inspections (editable by the Quality
    Manager)."""

    _name = "factory.rma.defect"
    _description = "RMA Defect"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    category = fields.Selection(DEFECT_CATEGORIES, required=True, default="appearance")
    inspection_days = fields.Integer(
        compute="_compute_inspection_days",
        store=True,
        readonly=False,
        help="Calendar days from receipt to finish the inspection of goods with this "
        "defect (appearance 7, function 28 by default).",
    )
    needs_measurement = fields.Boolean(
        help="Inspections record a measured value against a tolerance for this defect."
    )
    company_id = fields.Many2one("res.company", help="Leave empty to share the defect.")
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("inspection_days_positive", "CHECK(inspection_days >= 0)", "Days cannot be negative."),
    ]

    @api.depends("category")
    def _compute_inspection_days(self):
        for defect in self:
            defect.inspection_days = DEFAULT_INSPECTION_DAYS.get(defect.category, 7)
