from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from .factory_rma_outcome import NO_GOODS_TYPES


class FactoryRma(models.Model):
    """Step deadlines on the company calendar, overdue steps and their escalation."""

    _inherit = "factory.rma"

    is_international = fields.Boolean(
        compute="_compute_is_international",
        store=True,
        readonly=False,
        help="Customer abroad: solution within 15–30 working days instead of 7.",
        groups="base.group_user",
    )
    needs_onsite = fields.Boolean(
        "On-site Verification",
        help="Someone verifies the goods at the customer's warehouse.",
        groups="base.group_user",
    )
    date_onsite = fields.Datetime(
        "On-site Verified", readonly=True, copy=False, groups="base.group_user"
    )
    onsite_deadline = fields.Datetime(
        compute="_compute_step_deadlines", store=True, groups="base.group_user"
    )
    judgement_deadline = fields.Datetime(
        compute="_compute_step_deadlines", store=True, groups="base.group_user"
    )
    analysis_deadline = fields.Datetime(
        compute="_compute_step_deadlines", store=True, groups="base.group_user"
    )
    solution_deadline = fields.Datetime(
        compute="_compute_step_deadlines", store=True, groups="base.group_user"
    )
    reply_deadline = fields.Datetime(
        "Complaint Reply Deadline",
        compute="_compute_step_deadlines",
        store=True,
        groups="base.group_user",
    )
    review_deadline = fields.Datetime(
        readonly=True, copy=False, tracking=True, groups="base.group_user"
    )
    return_deadline = fields.Datetime("Customer Return Deadline", readonly=True, copy=False)

    # As superuser: the overdue steps look at documents some readers of the
    # RMA cannot read (e.g. the credit notes' payment state for a stock user).
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        compute_sudo=True,
        groups="base.group_user",
    )

    def _workflow_fields(self):
        """Deadlines are set by the steps, the on-site date by its button."""
        return super()._workflow_fields() | {
            "date_onsite",
            "review_deadline",
            "return_deadline",
            "onsite_deadline",
            "judgement_deadline",
            "analysis_deadline",
            "solution_deadline",
            "reply_deadline",
        }

    @api.depends("partner_id.country_id", "company_id.country_id")
    def _compute_is_international(self):
        for rma in self:
            country = rma.partner_id.commercial_partner_id.country_id
            rma.is_international = bool(
                country and rma.company_id.country_id and country != rma.company_id.country_id
            )

    @api.depends(
        "needs_onsite",
        "urgent",
        "is_international",
        "rma_type",
        "date_submitted",
        "date_approved",
        "date_received",
        "date_judged",
        "line_ids.responsibility",
        "policy_id",
    )
    def _compute_step_deadlines(self):
        """Deadlines of the steps (SEED §3.3): clock/calendar days where the
        seeds say 天 or hours, working days on the company calendar where
        they say 工作日."""
        for rma in self:
            policy = rma.policy_id
            rma.onsite_deadline = (
                rma._add_working_days(rma.date_submitted, policy.onsite_working_days)
                if rma.needs_onsite and rma.date_submitted
                else False
            )
            rma.judgement_deadline = (
                rma.date_received + timedelta(days=policy.judgement_days)
                if rma.date_received and rma.rma_type not in NO_GOODS_TYPES
                else False
            )
            start = rma._analysis_start()
            rma.analysis_deadline = (
                rma._add_working_days(start, policy.analysis_working_days)
                if start and policy.analysis_working_days
                else False
            )
            rma.solution_deadline = rma._solution_deadline()
            reply = False
            if rma.rma_type == "complaint" and rma.date_judged:
                ours = any(line.responsibility_side == "company" for line in rma.line_ids)
                days = (
                    policy.complaint_reply_internal_working_days
                    if ours
                    else policy.complaint_reply_external_working_days
                )
                reply = rma._add_working_days(rma.date_judged, days)
            rma.reply_deadline = reply

    def _analysis_start(self):
        """When cause analysis and solution can start (TIME-26, DESIGN
        "a step's clock starts when the step can start"): the receipt of the
        goods, or the approval for the types where no goods come back. An
        approved return still waiting for its goods has no analysis clock."""
        self.ensure_one()
        if self.rma_type in NO_GOODS_TYPES:
            return self.date_approved
        return self.date_received

    def _solution_deadline(self):
        """Solution and reply: 7 working days (international 30) from the
        start of the analysis; urgent cases, after the leadership's approval,
        2 (international 3)."""
        self.ensure_one()
        policy = self.policy_id
        start = self._analysis_start()
        if not start:
            return False
        if self.urgent:
            days = (
                policy.intl_urgent_solution_working_days
                if self.is_international
                else policy.urgent_solution_working_days
            )
        else:
            days = (
                policy.intl_solution_working_days
                if self.is_international
                else policy.solution_working_days
            )
        return self._add_working_days(start, days) if days else False

    def action_onsite_verified(self):
        """The on-site verification at the customer's warehouse is done."""
        self._check_group("rma_factory.group_rma_user", _("record the on-site verification"))
        self._lock_for_update()
        self._check_state(
            ("submitted", "approved", "received", "judged", "processing"),
            _("Recording the on-site verification"),
        )
        for rma in self:
            if not rma.needs_onsite or rma.date_onsite:
                raise UserError(_("%s does not wait for an on-site verification.", rma.name))
        self._write_workflow({"date_onsite": fields.Datetime.now()})
        self._close_escalations(["onsite"])
        return True

    # ------------------------------------------------------------------
    # The step registry
    # ------------------------------------------------------------------
    @api.model
    def _rma_steps(self):
        """The deadline steps of an RMA, each declared once. The Overdue
        filter, the escalation cron, the escalation activities' summaries
        and the Late Steps report all derive from this list; addons add
        their steps by extending this method only.

        Each step is a dict:

        - ``code``: the step's key (escalation activities carry it);
        - ``label``: its name (Late Steps report);
        - ``escalation``: summary of its escalation activity;
        - ``deadline``: the stored ``factory.rma`` field of its deadline;
        - ``pending``: domain on ``factory.rma``, true while the step waits
          to be done (no ``now`` in it: the deadline is compared apart);
        - ``done``: the stored ``factory.rma`` field of when it was done, or
          ``None`` (Late Steps report);
        - ``escalate_to`` (optional): name of the ``factory.rma`` method
          returning who is escalated, ``_escalation_user`` by default.
        """
        inactive = ("draft", "done", "rejected", "cancelled")
        return [
            {
                "code": "review",
                "label": _("Review"),
                "escalation": _("Review overdue"),
                "deadline": "review_deadline",
                "pending": [("state", "=", "submitted")],
                "done": "date_approved",
            },
            {
                "code": "onsite",
                "label": _("On-site verification"),
                "escalation": _("On-site verification overdue"),
                "deadline": "onsite_deadline",
                "pending": [
                    ("needs_onsite", "=", True),
                    ("date_onsite", "=", False),
                    ("state", "not in", inactive),
                ],
                "done": "date_onsite",
            },
            {
                "code": "return",
                "label": _("Customer return"),
                "escalation": _("Customer return overdue"),
                "deadline": "return_deadline",
                "pending": [("state", "=", "approved")],
                "done": "date_received",
            },
            {
                "code": "promise",
                "label": _("Replacement arrival promised"),
                "escalation": _("Replacement arrival date not promised"),
                "deadline": "promise_deadline",
                "pending": [
                    ("replenish_first", "=", True),
                    ("promised_date", "=", False),
                    ("state", "not in", inactive),
                ],
                "done": "date_promised",
            },
            {
                "code": "claim",
                "label": _("Carrier claim"),
                "escalation": _("Carrier claim overdue"),
                "deadline": "claim_deadline",
                "pending": [("claim_state", "=", "to_claim")],
                "done": "date_claim_filed",
            },
            {
                "code": "analysis",
                "label": _("Cause analysis"),
                "escalation": _("Cause analysis overdue"),
                "deadline": "analysis_deadline",
                "pending": [("state", "in", ("submitted", "approved", "received"))],
                "done": "date_judged",
            },
            {
                "code": "judgement",
                "label": _("Quality judgement"),
                "escalation": _("Quality judgement overdue"),
                "deadline": "judgement_deadline",
                "pending": [("state", "=", "received")],
                "done": "date_judged",
            },
            {
                "code": "solution",
                "label": _("Solution and reply"),
                "escalation": _("Solution and reply overdue"),
                "deadline": "solution_deadline",
                "pending": [("date_reply_sent", "=", False), ("state", "not in", inactive)],
                "done": "date_reply_sent",
            },
            {
                "code": "reply",
                "label": _("Complaint reply"),
                "escalation": _("Complaint reply overdue"),
                "deadline": "reply_deadline",
                "pending": [
                    ("date_reply_sent", "=", False),
                    ("state", "not in", ("rejected", "cancelled")),
                ],
                "done": "date_reply_sent",
            },
        ]

    @api.model
    def _step_overdue_domain(self, step, now):
        """Domain of the RMAs on which ``step`` is overdue at ``now``."""
        return expression.AND([step["pending"], [(step["deadline"], "<", now)]])

    @api.model
    def _overdue_domain(self):
        """RMAs with at least one overdue step (the Overdue filter)."""
        now = fields.Datetime.now()
        return expression.OR([self._step_overdue_domain(step, now) for step in self._rma_steps()])

    def _overdue_steps_by_rma(self, now):
        """{rma: [step codes overdue at ``now``]} for the RMAs of ``self``,
        in the order of the registry."""
        result = {rma: [] for rma in self}
        for step in self._rma_steps():
            for rma in self.filtered_domain(self._step_overdue_domain(step, now)):
                result[rma].append(step["code"])
        return result

    def _overdue_steps(self, now):
        """The codes of the steps of this RMA overdue at ``now``."""
        self.ensure_one()
        return self._overdue_steps_by_rma(now)[self]

    def _escalation_step_labels(self):
        """{step code: summary of its escalation activity}."""
        return {step["code"]: step["escalation"] for step in self._rma_steps()}

    def _compute_is_overdue(self):
        overdue = self.filtered_domain(self._overdue_domain()) if self.ids else self.browse()
        for rma in self:
            rma.is_overdue = rma in overdue

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'Overdue'."))
        # The deadlines are internal: who may not read the field may not
        # search by it either (Odoo checks it for stored fields only).
        self.check_field_access_rights("read", ["is_overdue"])
        # The steps are evaluated as superuser, like the field: the search
        # that uses this domain still applies the caller's rules to the RMAs.
        overdue = self.sudo()._search(self._overdue_domain())
        return [("id", "in" if (operator == "=") == value else "not in", overdue)]

    def _tz(self):
        calendar = self.company_id.resource_calendar_id
        return pytz.timezone(calendar.tz or self.env.user.tz or "UTC")

    def _add_working_days(self, start, days):
        """Return the end of the ``days``-th working day after ``start`` on the
        company calendar (public holidays are calendar leaves): the end of
        that day's last attendance, whatever breaks the day has. The start
        day itself never counts: approved Monday + 7 working days = Wednesday
        of the following week, at the end of its working hours."""
        self.ensure_one()
        if not start:
            return False
        calendar = self.company_id.resource_calendar_id
        tz = self._tz()
        local_start = pytz.utc.localize(start).astimezone(tz)
        next_day = tz.localize(datetime.combine(local_start.date() + timedelta(days=1), time.min))
        if not calendar or days <= 0:
            return start
        end = calendar.plan_days(days, next_day, compute_leaves=True)
        if not end:
            return start + timedelta(days=days)
        # plan_days stops at the end of the first attendance of the last
        # day (12:00 on a calendar with a lunch break): the deadline is the
        # end of that day's last attendance.
        day_start = tz.localize(datetime.combine(end.astimezone(tz).date(), time.min))
        intervals = calendar._work_intervals_batch(
            day_start, day_start + timedelta(days=1), compute_leaves=True
        )[False]
        if intervals:
            end = max(stop for _start, stop, _meta in intervals)
        return end.astimezone(pytz.utc).replace(tzinfo=None)

    def _end_of_day_after(self, start, days):
        """End (23:59:59 local) of the calendar day ``days`` after ``start``."""
        self.ensure_one()
        tz = self._tz()
        local_start = pytz.utc.localize(start).astimezone(tz)
        local_end = tz.localize(
            datetime.combine(local_start.date() + timedelta(days=days), time(23, 59, 59))
        )
        return local_end.astimezone(pytz.utc).replace(tzinfo=None)

    def _escalation_user(self):
        """Who gets the escalation activity: the policy's escalation manager,
        else an RMA Manager of the company, else the RMA's responsible."""
        self.ensure_one()
        if self.policy_id.escalation_user_id:
            return self.policy_id.escalation_user_id
        managers = self.env.ref("rma_factory.group_rma_manager").users.filtered(
            lambda u: not u.share and self.company_id in u.company_ids
        )
        return managers.sorted("id")[:1] or self.user_id or self.env.user

    @api.model
    def _cron_escalate_overdue(self):
        """Hourly: one escalation activity per overdue step and RMA, given to
        whom the step says. Running it again creates nothing new while the
        activity is open; an activity whose step was done meanwhile is
        closed."""
        now = fields.Datetime.now()
        Activity = self.env["mail.activity"]
        existing = Activity.search(
            [("res_model", "=", self._name), ("rma_escalation_step", "!=", False)]
        )
        rmas = self.search(self._overdue_domain())
        steps_by_rma = rmas._overdue_steps_by_rma(now)
        stale = existing.filtered(
            lambda a: a.rma_escalation_step not in steps_by_rma.get(self.browse(a.res_id), ())
        )
        if stale:
            stale.action_feedback(feedback=_("Step completed."))
        open_keys = {(a.res_id, a.rma_escalation_step) for a in existing - stale}
        steps = {step["code"]: step for step in self._rma_steps()}
        activity_type = self.env.ref("rma_factory.mail_activity_type_rma_escalation")
        model_id = self.env["ir.model"]._get_id(self._name)

        def escalate(rma):
            vals_list = []
            for code in steps_by_rma[rma]:
                if (rma.id, code) in open_keys:
                    continue
                user = getattr(rma, steps[code].get("escalate_to", "_escalation_user"))()
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": rma.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "summary": f"{rma.name}: {steps[code]['escalation']}",
                        "date_deadline": fields.Date.context_today(self),
                        "rma_escalation_step": code,
                    }
                )
            if vals_list:
                Activity.create(vals_list)

        self._cron_run_each(rmas, escalate, "Escalation of overdue RMA steps")

    def _close_escalations(self, steps):
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("rma_escalation_step", "in", steps),
                ]
            )
        )
        if activities:
            activities.action_feedback(feedback=_("Step completed."))
