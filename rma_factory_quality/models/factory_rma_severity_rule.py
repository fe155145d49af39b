from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .factory_rma_defect import DEFECT_CATEGORIES, SEVERITIES


class FactoryRmaSeverityRule(models.Model):
    """One row of the complaint severity table (客诉严重等级, SEV-01): a defect
    category and a range of affected moulds/units give a severity. The seed
    table ships as data; the Quality Manager edits it."""

    _name = "factory.rma.severity.rule"
    _description = "RMA Severity Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    category = fields.Selection(DEFECT_CATEGORIES, "Defect Category", required=True)
    min_count = fields.Integer(
        "From Count", default=1, help="Smallest number of defective moulds/units."
    )
    max_count = fields.Integer(
        "To Count", help="Largest number of defective moulds/units; 0 for no upper limit."
    )
    severity = fields.Selection(SEVERITIES, required=True, default="minor")
    company_id = fields.Many2one("res.company", help="Leave empty to share the rule.")

    @api.constrains("min_count", "max_count")
    def _check_counts(self):
        for rule in self:
            if rule.min_count < 0 or rule.max_count < 0:
                raise ValidationError(_("Counts of a severity rule cannot be negative."))
            if rule.max_count and rule.max_count < rule.min_count:
                raise ValidationError(
                    _("The upper count of “%s” is below its lower count.", rule.name)
                )

    def _matches(self, category, count):
        self.ensure_one()
        return (
            self.category == category
            and count >= self.min_count
            and (not self.max_count or count <= self.max_count)
        )

    @api.model
    def _rules_of(self, company):
        """The severity table of ``company`` (its rules and the shared ones)."""
        return self.search(["|", ("company_id", "=", False), ("company_id", "=", company.id)])

    @api.model
    def _evaluate(self, counts, company, rules=None):
        """Severity of ``counts`` ({category: defective count}).

        Returns ``(severity, unclassified_categories)``: the highest severity
        of the matching rules; categories with a count that no rule covers
        are listed so that the caller applies the company default and flags
        the result (SEV-01 is silent on them). ``rules``: the company's
        table when the caller already read it (``_rules_of``)."""
        if rules is None:
            rules = self._rules_of(company)
        severity = False
        unclassified = []
        for category, count in counts.items():
            if count <= 0:
                continue
            matched = rules.filtered(lambda r, c=category, n=count: r._matches(c, n))
            if not matched:
                unclassified.append(category)
                continue
            if "major" in matched.mapped("severity"):
                severity = "major"
            elif not severity:
                severity = "minor"
        return severity, unclassified
