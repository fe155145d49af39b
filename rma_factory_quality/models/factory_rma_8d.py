from datetime import timedelta

from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

QUALITY_MANAGER = "rma_factory_quality.group_quality_manager"
QUALITY_INSPECTOR = "rma_factory_quality.group_quality_inspector"

#: the disciplines, with the calendar days after opening each is due.
DISCIPLINES = [
    ("d0", "D0 Preparation", 0),
    ("d1", "D1 Team", 1),
    ("d2", "D2 Problem description", 1),
    ("d3", "D3 Containment", 1),
    ("d4", "D4 Root causes", 7),
    ("d5", "D5 Permanent corrective actions", 10),
    ("d6", "D6 Implementation and verification", 30),
    ("d7", "D7 Prevention", 45),
    ("d8", "D8 Closure and recognition", 60),
]


class FactoryRma8d(models.Model):
    """8D report of a customer complaint (客诉8D报告 / 客户抱怨回复书),
    created from the inspection when the severity is major or the customer
    asks for an improvement report. Written by quality, approved by the
    Quality Manager, sent to the customer, closed once the root cause is
    verified and the actions are done."""

    _name = "factory.rma.8d"
    _description = "RMA 8D Report"
    _inherit = ["mail.thread", "mail.activity.mixin", "factory.rma.quality.document"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("in_progress", "In Progress"),
            ("review", "In Review"),
            ("approved", "Approved"),
            ("sent", "Sent to Customer"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        group_expand=True,
    )
    rma_id = fields.Many2one("factory.rma", "RMA", required=True, index=True, check_company=True)
    inspection_id = fields.Many2one("factory.rma.inspection", check_company=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one(related="rma_id.partner_id", store=True)
    product_id = fields.Many2one(related="inspection_id.product_id", store=True)
    lot_id = fields.Many2one(related="inspection_id.lot_id")
    severity = fields.Selection(related="inspection_id.severity", store=True)
    date_open = fields.Date(default=fields.Date.context_today, required=True)
    date_closed = fields.Date(readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", "Approved by", readonly=True, copy=False)
    date_approved = fields.Datetime("Approved on", readonly=True, copy=False)
    date_sent = fields.Datetime("Sent on", readonly=True, copy=False)

    # D1 Team
    leader_id = fields.Many2one("res.users", "Team Leader", domain=[("share", "=", False)])
    team_user_ids = fields.Many2many("res.users", string="Internal Members")
    team_partner_ids = fields.Many2many("res.partner", string="Customer / Supplier Contacts")
    # D2 Problem description (5W2H)
    problem_what = fields.Text("What")
    problem_why = fields.Text("Why")
    problem_where = fields.Text("Where")
    problem_when = fields.Text("When")
    problem_who = fields.Text("Who")
    problem_how = fields.Text("How")
    problem_how_many = fields.Text("How Many")
    # D3, D5, D7 actions; D4 causes
    action_ids = fields.One2many("factory.rma.8d.action", "eightd_id", "Actions")
    containment_action_ids = fields.One2many(
        "factory.rma.8d.action",
        "eightd_id",
        domain=[("kind", "=", "containment")],
        context={"default_kind": "containment"},
    )
    corrective_action_ids = fields.One2many(
        "factory.rma.8d.action",
        "eightd_id",
        domain=[("kind", "=", "corrective")],
        context={"default_kind": "corrective"},
    )
    preventive_action_ids = fields.One2many(
        "factory.rma.8d.action",
        "eightd_id",
        domain=[("kind", "=", "preventive")],
        context={"default_kind": "preventive"},
    )
    cause_ids = fields.One2many("factory.rma.8d.cause", "eightd_id", "Root Causes")
    root_cause_verified = fields.Boolean(compute="_compute_progress")
    actions_done = fields.Boolean(compute="_compute_progress")
    # D6 Implementation and verification
    implementation_note = fields.Html("Implementation")
    verification_note = fields.Html("Verification of Effectiveness")
    # D7 Prevention
    standards_updated = fields.Boolean("Standards / Work Instructions Updated")
    fmea_updated = fields.Boolean("FMEA Updated")
    control_plan_updated = fields.Boolean("Control Plan Updated")
    horizontal_deployment = fields.Text(
        help="Other products and specifications the measures are deployed to (水平展开)."
    )
    deployment_product_ids = fields.Many2many("product.product", string="Deployed to Products")
    # D8 Closure
    closure_note = fields.Text("Closure and Recognition")
    # One reply for the RMA and its 8D reports: the customer's answer is the
    # RMA's (reply_state), recorded from the RMA, the portal or this report.
    customer_reply = fields.Selection(
        [("pending", "Waiting"), ("accepted", "Accepted"), ("rejected", "Not accepted")],
        compute="_compute_customer_reply",
        store=True,
        tracking=True,
        help="The customer's answer to the reply of the RMA this report was sent with: one "
        "reply for the RMA and its 8D reports. Not accepted reopens the report.",
    )
    customer_reply_note = fields.Text(copy=False)
    customer_reply_date = fields.Date(compute="_compute_customer_reply", store=True)
    discipline_ids = fields.One2many("factory.rma.8d.discipline", "eightd_id", "Disciplines")
    review_ids = fields.One2many("factory.rma.review", "eightd_id", "Review Meetings")

    @api.depends("cause_ids.verified", "action_ids.date_done", "action_ids.kind")
    def _compute_progress(self):
        for report in self:
            report.root_cause_verified = bool(report.cause_ids) and any(
                cause.verified for cause in report.cause_ids
            )
            needed = report.action_ids.filtered(lambda a: a.kind in ("corrective", "preventive"))
            report.actions_done = (
                bool(needed)
                and all(a.date_done for a in needed)
                and {
                    "corrective",
                    "preventive",
                }
                <= set(needed.mapped("kind"))
            )

    @api.depends("date_sent", "rma_id.reply_state", "rma_id.date_reply_answer")
    def _compute_customer_reply(self):
        for report in self:
            rma = report.rma_id.sudo()
            answered = rma.reply_state in ("accepted", "deemed_accepted", "rejected")
            if not report.date_sent or not answered:
                report.customer_reply = "pending"
                report.customer_reply_date = False
                continue
            report.customer_reply = "rejected" if rma.reply_state == "rejected" else "accepted"
            report.customer_reply_date = (
                rma.date_reply_answer.date() if rma.date_reply_answer else False
            )

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("factory.rma.8d")
                    or "/"
                )
        reports = super().create(vals_list)
        for report in reports.filtered(lambda r: not r.discipline_ids):
            report.discipline_ids = [
                Command.create(vals) for vals in report._prepare_discipline_vals_list()
            ]
        return reports

    def _prepare_discipline_vals_list(self):
        """One row per discipline D0–D8 with its default due date; an
        integrator changes the plan here."""
        self.ensure_one()
        start = self.date_open or fields.Date.context_today(self)
        labels = dict(
            self.env["factory.rma.8d.discipline"]._fields["code"]._description_selection(self.env)
        )
        return [
            {
                "code": code,
                "name": labels[code],
                "user_id": self.leader_id.id or False,
                "date_due": start + timedelta(days=days),
            }
            for code, _label, days in DISCIPLINES
        ]

    # ------------------------------------------------------------------
    # Controls
    # ------------------------------------------------------------------
    def _workflow_fields(self):
        """State, approval, sending, the customer's reply and the closing
        change only through the buttons (and the mail composer sending the
        report with its template)."""
        return super()._workflow_fields() | {
            "state",
            "approved_by_id",
            "date_approved",
            "date_sent",
            "customer_reply",
            "customer_reply_date",
            "date_closed",
        }

    def _closed_states(self):
        """A closed or cancelled report is fixed (a cancelled one is
        reopened with Reopen)."""
        return ("closed", "cancelled")

    def _check_content_complete(self):
        """Root cause verified, corrective and preventive actions done
        (8D-09: measures must be effective before closing)."""
        for report in self:
            if not report.root_cause_verified:
                raise UserError(_("%s: verify at least one root cause first.", report.name))
            if not report.actions_done:
                raise UserError(
                    _(
                        "%s: every corrective and preventive action must be done "
                        "(with at least one of each).",
                        report.name,
                    )
                )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_start(self):
        self._check_group(QUALITY_INSPECTOR, _("work on 8D reports"))
        self._lock_for_update()
        self._check_state(("draft",), _("Starting"))
        self._write_workflow({"state": "in_progress"})
        return True

    def action_submit_review(self):
        self._check_group(QUALITY_INSPECTOR, _("work on 8D reports"))
        self._lock_for_update()
        self._check_state(("in_progress",), _("Submitting for review"))
        for report in self:
            if not report.cause_ids or not report.corrective_action_ids:
                raise UserError(
                    _("%s: describe the root causes and the corrective actions first.", report.name)
                )
        self._write_workflow({"state": "review"})
        return True

    def action_approve(self):
        """The Quality Manager approves the report before it goes to the
        customer (8D-06)."""
        self._check_group(QUALITY_MANAGER, _("approve 8D reports"))
        self._lock_for_update()
        self._check_state(("review",), _("Approving"))
        for report in self:
            if not report.root_cause_verified:
                raise UserError(_("%s: verify at least one root cause first.", report.name))
        self._write_workflow(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "date_approved": fields.Datetime.now(),
            }
        )
        return True

    def _check_can_send(self):
        """Only an approved report goes to the customer, sent by a Quality
        Manager (8D-06, APPR-15: the customer gets it once the quality
        manager reviewed it; the seeds' CQE who e-mails it holds that
        group). A report already sent may be sent again."""
        self._check_group(QUALITY_MANAGER, _("send 8D reports"))
        self._check_state(("approved", "sent"), _("Sending"))

    def action_send(self):
        """Open the mail composer with the complaint reply PDF; sending it
        with this template marks the report as sent
        (``_rma_template_sent``)."""
        self.ensure_one()
        self._check_can_send()
        template = self.env.ref("rma_factory_quality.mail_template_rma_8d")
        return self._rma_composer_action(template)

    def _rma_template_sent(self, template):
        """Called by the mail composer: the report sent with its own
        template is sent to the customer. Refused (and so not sent: the
        transaction rolls back) when the caller may not send it."""
        if template != self.env.ref("rma_factory_quality.mail_template_rma_8d"):
            return super()._rma_template_sent(template)
        self._lock_for_update()
        self._check_can_send()
        self._mark_sent()
        return True

    def _mark_sent(self):
        """The report went to the customer: it is a new version of the RMA's
        reply, which waits for the customer's answer (the RMA does not close
        before it)."""
        newly_sent = self.filtered(lambda r: r.state == "approved")
        newly_sent._write_workflow({"state": "sent", "date_sent": fields.Datetime.now()})
        for report in newly_sent:
            report.rma_id.sudo()._mark_reply_sent(step="eightd", detail=report.name)

    def _check_can_record_customer_reply(self):
        self._check_group(QUALITY_INSPECTOR, _("record the customer's reply"))
        self._lock_for_update()
        self._check_state(("sent",), _("Recording the customer's reply"))

    def action_customer_accepted(self):
        """The customer accepts the measures: recorded on the RMA's reply,
        shared by the RMA and its 8D reports."""
        self._check_can_record_customer_reply()
        self.rma_id.sudo()._answer_reply(True)
        return True

    def action_customer_rejected(self):
        """The customer does not accept the measures: recorded on the RMA's
        reply, which reopens the sent 8D reports (8D-09, 8D-10) and asks for
        a new version."""
        self._check_can_record_customer_reply()
        self.rma_id.sudo()._answer_reply(False)
        return True

    def _reopen_not_accepted(self):
        """The customer did not accept the reply this report was part of: it
        goes back to work, to be approved and sent again."""
        self._write_workflow(
            {"state": "in_progress", "approved_by_id": False, "date_approved": False}
        )
        for report in self:
            report.message_post(body=_("The customer did not accept the measures: reopened."))

    def action_close(self):
        self._check_group(QUALITY_MANAGER, _("close 8D reports"))
        self._lock_for_update()
        self._check_state(("approved", "sent"), _("Closing"))
        self._check_content_complete()
        self._write_workflow({"state": "closed", "date_closed": fields.Date.context_today(self)})
        return True

    def action_cancel(self):
        self._check_group(QUALITY_MANAGER, _("cancel 8D reports"))
        self._lock_for_update()
        self._check_state(("draft", "in_progress", "review", "approved"), _("Cancelling"))
        self._write_workflow({"state": "cancelled"})
        return True

    def action_draft(self):
        """Reopen: a report in review, approved or cancelled goes back to
        work (and leaves the archive); its approval is withdrawn."""
        self._check_group(QUALITY_MANAGER, _("reopen 8D reports"))
        self._lock_for_update()
        self._check_state(("cancelled", "review", "approved"), _("Reopening"))
        self._write_workflow(
            {
                "state": "in_progress",
                "active": True,
                "approved_by_id": False,
                "date_approved": False,
            }
        )
        return True

    # ------------------------------------------------------------------
    # Confidentiality (8D-07)
    # ------------------------------------------------------------------
    def _confidential_extra_partners(self):
        """Besides the RMA's: the vendors of the report's product, the
        supplier judged responsible by its inspection and the team's
        contacts at suppliers that are not whitelisted."""
        self.ensure_one()
        report = self.sudo()
        extra = report.product_id.seller_ids.partner_id
        if report.inspection_id.responsibility == "supplier":
            extra |= report.inspection_id.responsible_partner_id
        extra |= report.team_partner_ids.filtered(
            lambda p: (
                p.commercial_partner_id.supplier_rank > 0
                and not p.commercial_partner_id.rma_disclose_in_reports
            )
        )
        return extra

    def _customer_safe(self, text):
        """``text`` without the names of confidential suppliers (those of
        the RMA, of its products, of the inspection's judgement and the
        team's supplier contacts)."""
        self.ensure_one()
        return self.rma_id._customer_safe_text(
            text, extra_partners=self._confidential_extra_partners()
        )

    def _customer_safe_html(self, html):
        """An Html field for the customer: printed as HTML, with the
        supplier-name filter applied to its text and attribute values
        (never to the markup itself)."""
        self.ensure_one()
        if is_html_empty(html):
            return Markup("")
        root = lxml_html.fragment_fromstring(str(html), create_parent="div")
        for node in root.iter():
            if isinstance(node.tag, str):
                node.text = self._customer_safe(node.text)
                for name, value in node.attrib.items():
                    node.attrib[name] = self._customer_safe(value)
            node.tail = self._customer_safe(node.tail)
        # the field is sanitized on write; the filter only replaced text
        return Markup(etree.tostring(root, encoding="unicode", method="html"))

    def _customer_safe_team(self):
        """D1 team for the customer: leader, internal members and contacts,
        through the supplier-name filter (a supplier's contact is not
        named)."""
        self.ensure_one()
        report = self.sudo()
        names = (report.leader_id | report.team_user_ids).mapped("name")
        names += report.team_partner_ids.mapped("name")
        return self._customer_safe(", ".join(name for name in names if name))
