from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .factory_rma_inspection import QUALITY_MANAGER

QUALITY_INSPECTOR = "rma_factory_quality.group_quality_inspector"


class FactoryRma(models.Model):
    """Quality side of the RMA: its inspections and 8D reports, the
    customer's request for an improvement report, and the guards that keep
    the judgement with the inspection."""

    _inherit = "factory.rma"

    customer_requests_report = fields.Boolean(
        "Customer Requests Improvement Report",
        tracking=True,
        help="The customer asks for an improvement (8D) report: an 8D is created whatever the "
        "severity.",
        groups="base.group_user",
    )
    # Quality data are internal: portal users (the customer) never read
    # them, over RPC either (8D-05, 8D-07).
    inspection_ids = fields.One2many(
        "factory.rma.inspection", "rma_id", "Inspections", groups="base.group_user"
    )
    eightd_ids = fields.One2many("factory.rma.8d", "rma_id", "8D Reports", groups="base.group_user")
    # Counts as superuser: stock users and accountants read the RMA form
    # without reading inspections or 8D reports.
    inspection_count = fields.Integer(
        compute="_compute_quality_counts", compute_sudo=True, groups="base.group_user"
    )
    open_inspection_count = fields.Integer(
        compute="_compute_quality_counts", compute_sudo=True, groups="base.group_user"
    )
    eightd_count = fields.Integer(
        "8D Report Count",
        compute="_compute_quality_counts",
        compute_sudo=True,
        groups="base.group_user",
    )
    severity = fields.Selection(
        [("minor", "Minor (轻微)"), ("major", "Major (严重)")],
        compute="_compute_severity",
        store=True,
        groups="base.group_user",
    )
    inspection_deadline = fields.Datetime(
        compute="_compute_inspection_deadline",
        store=True,
        groups="base.group_user",
        help="Earliest deadline of the open inspections.",
    )

    @api.depends("inspection_ids.state", "eightd_ids")
    def _compute_quality_counts(self):
        for rma in self:
            rma.inspection_count = len(rma.inspection_ids)
            rma.open_inspection_count = len(rma._open_inspections())
            rma.eightd_count = len(rma.eightd_ids)

    @api.depends("inspection_ids.severity")
    def _compute_severity(self):
        for rma in self:
            levels = set(rma.inspection_ids.mapped("severity"))
            rma.severity = (
                "major" if "major" in levels else ("minor" if "minor" in levels else False)
            )

    @api.depends("inspection_ids.deadline", "inspection_ids.state")
    def _compute_inspection_deadline(self):
        for rma in self:
            deadlines = rma._open_inspections().filtered("deadline").mapped("deadline")
            rma.inspection_deadline = min(deadlines) if deadlines else False

    def _open_inspections(self):
        return self.inspection_ids.filtered(
            lambda i: i.state in ("draft", "in_progress", "waiting")
        )

    def _workflow_fields(self):
        """Computed from the inspections, never written."""
        return super()._workflow_fields() | {"severity", "inspection_deadline"}

    @api.ondelete(at_uninstall=False)
    def _unlink_except_quality_records(self):
        """Inspections and 8D reports are kept (and so is their RMA)."""
        rmas = self.sudo().with_context(active_test=False)
        for rma in rmas:
            if rma.inspection_ids or rma.eightd_ids:
                raise UserError(
                    _(
                        "%s has quality inspections or 8D reports and cannot be deleted: "
                        "cancel it instead.",
                        rma.name,
                    )
                )

    # ------------------------------------------------------------------
    # Judgement guards
    # ------------------------------------------------------------------
    def _check_can_judge(self):
        """Extends the core guard: the judgement comes from the inspections,
        so an RMA with open inspections cannot be judged by hand."""
        self._check_group("rma_factory.group_rma_user", _("judge RMAs"))
        for rma in self:
            if rma._open_inspections():
                raise UserError(
                    _(
                        "%(rma)s still has open inspections (%(names)s): close them to judge it.",
                        rma=rma.name,
                        names=", ".join(rma._open_inspections().mapped("name")),
                    )
                )
        return super()._check_can_judge()

    def _can_process_automatically(self):
        """After the inspections judge an RMA its outcomes run at once,
        unless the general manager must approve scrap/sell-off or the
        customer must agree to a charged repair."""
        self.ensure_one()
        for line in self.line_ids:
            if line._needs_outcome_approval() and not line.outcome_approved:
                return False
            if (
                line.decided_outcome == "repair"
                and line.service_charge == "charged"
                and not line.customer_agreed
            ):
                return False
        return True

    # ------------------------------------------------------------------
    # Escalation of overdue inspections
    # ------------------------------------------------------------------
    @api.model
    def _rma_steps(self):
        """The inspection step: the goods received are inspected within the
        case cycle of their defects (appearance 7 days, function 28); the
        Quality Manager is escalated."""
        return super()._rma_steps() + [
            {
                "code": "inspection",
                "label": _("Inspection"),
                "escalation": _("Inspection overdue"),
                "deadline": "inspection_deadline",
                "pending": [("state", "=", "received")],
                "done": "date_judged",
                "escalate_to": "_escalation_user_quality",
            }
        ]

    def _escalation_user_quality(self):
        """Who is escalated for a late inspection: a Quality Manager of the
        company, else the RMA's usual escalation."""
        self.ensure_one()
        managers = self.env.ref(QUALITY_MANAGER).users.filtered(
            lambda u: not u.share and self.company_id in u.company_ids
        )
        return managers.sorted("id")[:1] or self._escalation_user()

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") in ("judged", "cancelled", "rejected", "done"):
            self._close_escalations(["inspection"])
        return res

    # ------------------------------------------------------------------
    # One reply for the RMA and its 8D reports
    # ------------------------------------------------------------------
    def _do_reply_rejected(self):
        """Not accepted reopens the corrective action: the 8D reports sent
        with the reply go back to work too."""
        res = super()._do_reply_rejected()
        self.sudo().eightd_ids.filtered(lambda r: r.state == "sent")._reopen_not_accepted()
        return res

    def _portal_documents(self):
        """The customer also downloads the 8D reports sent to it."""
        documents = super()._portal_documents()
        for report in self.sudo().eightd_ids.filtered(lambda r: r.date_sent):
            documents[f"8d_{report.id}"] = (
                _("8D Report %s", report.name),
                "rma_factory_quality.action_report_rma_8d",
                report,
                f"8d-report-{report.name.replace('/', '-')}",
            )
        return documents

    # ------------------------------------------------------------------
    # Containment (INSP-20)
    # ------------------------------------------------------------------
    def _containment_action(self, products):
        """Stock of the same products in the company's internal locations
        (outside the RMA locations) to check for the same defect."""
        self.ensure_one()
        warehouses = self.env["stock.warehouse"].search([("company_id", "=", self.company_id.id)])
        rma_locations = warehouses._rma_locations()
        if rma_locations:
            rma_locations = self.env["stock.location"].search(
                [("id", "child_of", rma_locations.ids)]
            )
        domain = [
            ("product_id", "in", products.ids),
            ("location_id.usage", "=", "internal"),
            ("location_id", "not in", rma_locations.ids),
            ("company_id", "=", self.company_id.id),
        ]
        return {
            "type": "ir.actions.act_window",
            "name": _("Containment: stock to check"),
            "res_model": "stock.quant",
            "view_mode": "list",
            "domain": domain,
            "context": {"search_default_locationgroup": 0, "create": False},
        }

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def action_view_inspections(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "rma_factory_quality.action_factory_rma_inspection"
        )
        action["domain"] = [("rma_id", "=", self.id)]
        action["context"] = {"create": False}
        if len(self.inspection_ids) == 1:
            action.update(view_mode="form", res_id=self.inspection_ids.id, views=False)
        return action

    def action_view_8d(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "rma_factory_quality.action_factory_rma_8d"
        )
        action["domain"] = [("rma_id", "=", self.id)]
        action["context"] = {"default_rma_id": self.id, "default_company_id": self.company_id.id}
        if len(self.eightd_ids) == 1:
            action.update(view_mode="form", res_id=self.eightd_ids.id, views=False)
        return action

    def action_create_8d(self):
        """An 8D on request (the customer asks for an improvement report
        before the inspection is done)."""
        self.ensure_one()
        self._check_group(QUALITY_INSPECTOR, _("create 8D reports"))
        if self.eightd_ids.filtered(lambda r: r.state != "cancelled"):
            return self.action_view_8d()
        inspection = self.inspection_ids.filtered(lambda i: i.state != "cancelled")[:1]
        vals = (
            inspection._prepare_8d_vals()
            if inspection
            else {"rma_id": self.id, "company_id": self.company_id.id, "leader_id": self.env.uid}
        )
        report = self.env["factory.rma.8d"].create(vals)
        if inspection:
            inspection._write_workflow({"eightd_id": report.id})
        return self.action_view_8d()
