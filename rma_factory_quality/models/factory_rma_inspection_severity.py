from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .factory_rma_defect import SEVERITIES
from .factory_rma_inspection import QUALITY_MANAGER


class FactoryRmaInspection(models.Model):
    """Severity by the severity table, its raise by a Quality Manager, and the 8D it requires."""

    _inherit = "factory.rma.inspection"

    # Severity and 8D (SEV-01..04)
    severity_computed = fields.Selection(
        SEVERITIES, compute="_compute_severity", store=True, string="Severity by Rules"
    )
    severity_unclassified = fields.Boolean(
        compute="_compute_severity",
        store=True,
        help="Some defects are not covered by the severity table: the company default was used.",
    )
    severity_manual = fields.Selection(SEVERITIES, "Raised Severity", readonly=True, copy=False)
    severity_reason = fields.Text("Severity Raise Reason", readonly=True, copy=False)
    severity = fields.Selection(SEVERITIES, compute="_compute_severity_final", store=True)
    customer_requests_report = fields.Boolean(
        related="rma_id.customer_requests_report", groups="base.group_user"
    )
    requires_8d = fields.Boolean("8D Required", compute="_compute_requires_8d", store=True)
    eightd_id = fields.Many2one("factory.rma.8d", "8D Report", readonly=True, copy=False)

    @api.depends(
        "defect_ids.count",
        "defect_ids.category",
        "company_id",
        "rma_id.policy_id.default_severity",
    )
    def _compute_severity(self):
        """From the company's severity table (searched: a change of the
        table applies when the defects change), the policy's default for
        defects the table does not cover."""
        Rule = self.env["factory.rma.severity.rule"]
        rules_by_company = {}  # the severity table read once per company
        for inspection in self:
            counts = {}
            for defect in inspection.defect_ids:
                counts[defect.category] = counts.get(defect.category, 0) + defect.count
            if not counts:
                inspection.severity_computed = False
                inspection.severity_unclassified = False
                continue
            company = inspection.company_id or self.env.company
            if company not in rules_by_company:
                rules_by_company[company] = Rule._rules_of(company)
            severity, unclassified = Rule._evaluate(counts, company, rules_by_company[company])
            if unclassified:
                default = inspection.rma_id.policy_id.default_severity or "minor"
                severity = "major" if "major" in (severity, default) else "minor"
            inspection.severity_computed = severity
            inspection.severity_unclassified = bool(unclassified)

    @api.depends("severity_computed", "severity_manual")
    def _compute_severity_final(self):
        for inspection in self:
            levels = {inspection.severity_computed, inspection.severity_manual}
            if "major" in levels:
                inspection.severity = "major"
            else:
                inspection.severity = "minor" if "minor" in levels else False

    @api.depends("severity", "rma_id.customer_requests_report")
    def _compute_requires_8d(self):
        for inspection in self:
            inspection.requires_8d = (
                inspection.severity == "major" or inspection.rma_id.customer_requests_report
            )

    def _alert_major_severity(self):
        """A major complaint is reviewed at once (SEV-04): an activity for
        the Quality Managers."""
        major = self.filtered(lambda i: i.severity == "major")
        if not major:
            return
        managers = self.env.ref(QUALITY_MANAGER).users
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for inspection in major:
            user = managers.filtered(
                lambda u, c=inspection.company_id: not u.share and c in u.company_ids
            ).sorted("id")[:1]
            if not user:
                continue
            inspection.sudo().activity_schedule(
                activity_type_id=activity_type.id,
                summary=inspection._in_lang_of(user).env._("Major complaint: review now"),
                user_id=user.id,
            )

    def _create_8d_reports(self):
        """The 8D report of each RMA whose inspections require one: the
        RMA's open report when it has one, else a new one from its first
        inspection (existing reports searched and new ones created at
        once)."""
        todo = self.filtered(lambda i: i.requires_8d and not i.eightd_id)
        if not todo:
            return
        Report = self.env["factory.rma.8d"].sudo()
        report_by_rma = {}
        for report in Report.search(
            [("rma_id", "in", todo.rma_id.ids), ("state", "!=", "cancelled")]
        ):
            report_by_rma.setdefault(report.rma_id, report)
        first_by_rma = {}
        for inspection in todo:
            if inspection.rma_id not in report_by_rma:
                first_by_rma.setdefault(inspection.rma_id, inspection)
        if first_by_rma:
            new_reports = Report.create(
                [inspection._prepare_8d_vals() for inspection in first_by_rma.values()]
            )
            report_by_rma.update(zip(first_by_rma, new_reports, strict=True))
        by_report = {}
        for inspection in todo:
            report = report_by_rma[inspection.rma_id]
            by_report[report] = by_report.get(report, inspection.browse()) | inspection
        for report, inspections in by_report.items():
            inspections._write_workflow({"eightd_id": report.id})

    def _prepare_8d_vals(self):
        """The 8D report of a major complaint (or one the customer asked
        for), with the problem description filled from the inspection."""
        self.ensure_one()
        defects = ", ".join(f"{d.defect_id.name} × {d.count}" for d in self.defect_ids)
        lot = self.lot_id.name or ""
        return {
            "rma_id": self.rma_id.id,
            "inspection_id": self.id,
            "company_id": self.company_id.id,
            "leader_id": self.env.uid,
            "problem_what": _(
                "%(product)s: %(defects)s",
                product=self.product_id.display_name,
                defects=defects or self.customer_description or "",
            ),
            "problem_who": self.partner_id.display_name,
            "problem_where": self.rma_id.name,
            "problem_when": fields.Date.to_string(self.line_id.delivery_date) or "",
            "problem_how_many": _(
                "%(bad)s defective of %(inspected)s inspected (%(received)s returned) %(lot)s",
                bad=self.qty_defective,
                inspected=self.qty_inspected,
                received=self.qty_received,
                lot=lot,
            ),
            "problem_why": self.cause_analysis or False,
            "problem_how": self.test_result or False,
        }

    def action_open_severity_wizard(self):
        self.ensure_one()
        self._check_group(QUALITY_MANAGER, _("raise the severity"))
        return self._rma_dialog_action(
            "factory.rma.severity.wizard", _("Raise Severity"), {"default_inspection_id": self.id}
        )

    def _raise_severity(self, severity, reason):
        self.ensure_one()
        self._check_group(QUALITY_MANAGER, _("raise the severity"))
        self._lock_for_update()
        self._check_state(("draft", "in_progress", "waiting", "done"), _("Raising the severity"))
        if not (reason or "").strip():
            raise UserError(_("Give the reason for the severity change."))
        if self.severity == "major" and severity == "major":
            raise UserError(_("%s is already major.", self.name))
        if severity == "minor":
            raise UserError(_("Severity can only be raised, not lowered."))
        self._write_workflow({"severity_manual": severity, "severity_reason": reason})
        self.message_post(body=_("Severity raised to major: %s", reason))
        if self.state == "done":
            self._create_8d_reports()
            self._alert_major_severity()
        return True

    def action_view_8d(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "factory.rma.8d",
            "view_mode": "form",
            "res_id": self.eightd_id.id,
        }
