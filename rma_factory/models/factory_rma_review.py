from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .factory_rma import REJECT_ALTERNATIVES
from .factory_rma_outcome import NO_GOODS_TYPES


class FactoryRma(models.Model):
    """Submission, eligibility, approval, rejection and urgent handling of the RMA.

    The RMA Manager approves every RMA and the RMA Approver (general manager) too
    above the policy amount; failed checks are overridden with a written reason.
    """

    _inherit = "factory.rma"

    approval_amount = fields.Monetary(
        "Amount for Approval",
        currency_field="company_currency_id",
        readonly=True,
        copy=False,
        help="Total of the RMA in company currency at the request date, frozen at submission: "
        "compared with the policy's second-approval amount.",
        groups="base.group_user",
    )
    urgent = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="Leadership's special approval: shortened solution limit (2 working days, 3 "
        "international) counted from the approval.",
        groups="base.group_user",
    )

    # Eligibility criteria B/C/D (A is per line: warranty)
    criterion_b = fields.Boolean(
        "B: Quality below contract standard",
        help="Product quality does not reach the contract's acceptance standard.",
        groups="base.group_user",
    )
    criterion_c = fields.Boolean(
        "C: Payment cannot be collected",
        help="After delivery the customer still cannot pay after repeated communication.",
        groups="base.group_user",
    )
    criterion_d = fields.Boolean(
        "D: Major change at the customer",
        help="Wrong model chosen, partnership dissolved, change of industry, poor "
        "business condition…",
        groups="base.group_user",
    )
    eligibility_state = fields.Selection(
        [
            ("not_checked", "Not checked"),
            ("eligible", "Eligible"),
            ("not_eligible", "Not eligible"),
            ("overridden", "Overridden"),
        ],
        default="not_checked",
        readonly=True,
        copy=False,
        tracking=True,
        groups="base.group_user",
    )
    eligibility_override_reason = fields.Text(readonly=True, copy=False, groups="base.group_user")

    # Approval
    approval_ids = fields.One2many(
        "factory.rma.approval", "rma_id", readonly=True, copy=False, groups="base.group_user"
    )
    manager_approved = fields.Boolean(readonly=True, copy=False, groups="base.group_user")
    needs_second_approval = fields.Boolean(
        compute="_compute_needs_second_approval", groups="base.group_user"
    )
    reject_reason = fields.Text(readonly=True, copy=False, tracking=True, groups="base.group_user")
    reject_alternative = fields.Selection(
        REJECT_ALTERNATIVES, readonly=True, copy=False, tracking=True, groups="base.group_user"
    )

    # Dates of the review steps
    date_submitted = fields.Datetime(readonly=True, copy=False, groups="base.group_user")
    date_approved = fields.Datetime(readonly=True, copy=False, groups="base.group_user")

    def _workflow_fields(self):
        """The results of the checks, the approval trail and the leadership's decisions."""
        return super()._workflow_fields() | {
            "date_submitted",
            "date_approved",
            "eligibility_state",
            "eligibility_override_reason",
            "manager_approved",
            "approval_ids",
            "reject_reason",
            "reject_alternative",
            "urgent",
            "approval_amount",
        }

    def _approval_amount_at_request(self):
        """The RMA total in company currency at the request date (frozen
        into ``approval_amount`` at submission)."""
        self.ensure_one()
        return self.currency_id._convert(
            self.amount_total,
            self.company_id.currency_id,
            self.company_id,
            self.date_request or fields.Date.context_today(self),
        )

    @api.depends(
        "amount_total",
        "approval_amount",
        "state",
        "date_submitted",
        "policy_id.second_approval_amount",
        "currency_id",
        "company_id.currency_id",
        "date_request",
    )
    def _compute_needs_second_approval(self):
        """Above the policy amount (company currency) the RMA Approver
        approves too; submitted RMAs use the amount frozen at submission."""
        for rma in self:
            amount = (
                rma.approval_amount
                if rma.state != "draft" and rma.date_submitted
                else rma._approval_amount_at_request()
            )
            rma.needs_second_approval = (
                float_compare(
                    amount,
                    rma.policy_id.second_approval_amount,
                    precision_rounding=rma.company_id.currency_id.rounding,
                )
                > 0
            )

    def _log_approval(self, step, comment=False):
        self.env["factory.rma.approval"].sudo().create(
            [{"rma_id": rma.id, "step": step, "comment": comment} for rma in self]
        )

    def _check_can_submit(self):
        self._check_group("rma_factory.group_rma_user", _("submit RMAs"))
        self._check_state(("draft",), _("Submitting"))
        for rma in self:
            if not rma.line_ids:
                raise UserError(
                    _("Add at least one product line to %s before submitting.", rma.name)
                )
        self.line_ids._check_quantities()

    def action_submit(self):
        """Customer service submits: the eligibility check runs line by line
        and the review deadline starts (policy, default 24 clock hours)."""
        self._lock_for_update()
        self._check_can_submit()
        now = fields.Datetime.now()
        self.line_ids._run_eligibility_check()
        for rma in self:
            eligible = all(line.eligibility_state == "eligible" for line in rma.line_ids)
            rma._write_workflow(
                {
                    "state": "submitted",
                    "date_submitted": now,
                    "review_deadline": now + timedelta(hours=rma.policy_id.review_hours),
                    "eligibility_state": "eligible" if eligible else "not_eligible",
                    "promise_deadline": rma._end_of_day_after(
                        now, rma.policy_id._promise_days(rma.customer_class)
                    )
                    if rma.replenish_first
                    else False,
                    "approval_amount": rma._approval_amount_at_request(),
                }
            )
        self._log_approval("submit")
        self._schedule_approval_activity("manager")
        return True

    def action_check_eligibility(self):
        """Re-run the eligibility check without changing the state."""
        self._check_group("rma_factory.group_rma_user", _("check the eligibility"))
        self._lock_for_update()
        self._check_state(("draft", "submitted"), _("Checking eligibility"))
        self.line_ids._run_eligibility_check()
        for rma in self.filtered(
            lambda r: r.state == "submitted" and r.eligibility_state != "overridden"
        ):
            eligible = all(line.eligibility_state == "eligible" for line in rma.line_ids)
            rma._write_workflow({"eligibility_state": "eligible" if eligible else "not_eligible"})
        return True

    def action_open_override_wizard(self):
        self._check_can_override_eligibility()
        return self._rma_dialog_action(
            "factory.rma.override.wizard", _("Override Eligibility"), {"default_rma_id": self.id}
        )

    def _override_eligibility(self, justification):
        """Called by the override wizard. A written justification is
        mandatory and is logged in the approval trail and the chatter."""
        self._lock_for_update()
        self._check_can_override_eligibility()
        justification = (justification or "").strip()
        if len(justification) < 10:
            raise UserError(_("Write a justification (at least 10 characters) for the override."))
        failed_lines = self.line_ids.filtered(lambda line: line.eligibility_state == "failed")
        failed_lines._write_workflow({"eligibility_state": "overridden"})
        self._write_workflow(
            {"eligibility_state": "overridden", "eligibility_override_reason": justification}
        )
        self._log_approval("override", justification)
        for rma in self:
            rma.message_post(
                body=_(
                    "Eligibility check overridden by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=justification,
                )
            )
        return True

    def _check_can_override_eligibility(self):
        """An RMA Manager overrides a failed check; when the claim is
        customer-caused (human damage not excluded), only the RMA Approver
        — the general manager — may accept it (APPR-18)."""
        self._check_state(("submitted",), _("Overriding eligibility"))
        self._check_group("rma_factory.group_rma_manager", _("override the eligibility check"))
        customer_caused = self.line_ids.filtered(
            lambda line: line.eligibility_state == "failed" and line._is_customer_caused()
        )
        if customer_caused:
            self._check_group(
                "rma_factory.group_rma_approver",
                _("accept a customer-caused claim that fails the return policy"),
            )

    def _schedule_approval_activity(self, level):
        """One approval activity per RMA for its reviewer (the policy's
        escalation manager when he is in the group, else the first user of
        the group in the RMA's company), created in one batch. The reviewer
        finds them in his activities: Odoo's "assigned to you" e-mail per
        activity is not sent (a list of RMAs submitted at once would send
        one e-mail each)."""
        group = self.env.ref(
            "rma_factory.group_rma_approver"
            if level == "approver"
            else "rma_factory.group_rma_manager"
        )
        if self.env.context.get("mail_activity_automation_skip"):
            return
        activity_type = self.env.ref("rma_factory.mail_activity_type_rma_approval")
        model_id = self.env["ir.model"]._get_id(self._name)
        group_user_by_company = {}
        vals_list = []
        for rma in self:
            user = rma.policy_id.escalation_user_id
            if not user or group not in user.groups_id:
                company = rma.company_id
                if company not in group_user_by_company:
                    # the group's first internal user of the company (in the
                    # users' order), searched instead of reading every member
                    group_user_by_company[company] = self.env["res.users"].search(
                        [
                            ("groups_id", "in", group.id),
                            ("company_ids", "in", company.id),
                            ("share", "=", False),
                        ],
                        limit=1,
                    )
                user = group_user_by_company[company]
            if not user:
                continue
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "summary": rma._in_lang_of(user).env._("Approve RMA %s", rma.name),
                    "note": activity_type.default_note,
                    "automated": True,
                    "user_id": user.id,
                    "date_deadline": (rma.review_deadline or fields.Datetime.now()).date(),
                    "res_model_id": model_id,
                    "res_id": rma.id,
                }
            )
        if vals_list:
            self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
                vals_list
            )

    def _close_approval_activities(self):
        """The review is over: the approval activities go (the approval
        trail records who decided and when)."""
        activity_type = self.env.ref("rma_factory.mail_activity_type_rma_approval")
        self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).unlink()

    def _check_can_approve(self):
        self._check_state(("submitted",), _("Approving"))
        self._check_group("rma_factory.group_rma_manager", _("approve RMAs"))
        not_eligible = self.filtered(
            lambda r: r.eligibility_state not in ("eligible", "overridden")
        )
        if not_eligible:
            reasons = "\n".join(
                f"- {line.product_id.display_name}: {line.eligibility_note}"
                for line in not_eligible[0].line_ids.filtered(
                    lambda x: x.eligibility_state == "failed"
                )
            )
            raise UserError(
                _(
                    "%(rma)s does not meet the return policy:\n%(reasons)s\n"
                    "Reject it, or override the check with a written justification.",
                    rma=not_eligible[0].name,
                    reasons=reasons,
                )
            )
        for rma in self:
            if rma.return_method in ("pickup", "drop_off") and (
                not rma.expected_arrival_date or not rma.pickup_place
            ):
                raise UserError(
                    _(
                        "%s: goods are picked up or dropped off only when pre-notified: record "
                        "the expected arrival date and place first.",
                        rma.name,
                    )
                )
        self.line_ids._check_quantities()

    def action_approve(self):
        """RMA Manager approves; above the policy amount the RMA Approver must
        approve as well. The final approval creates the return receipt (and,
        for replenish-first, the replacement delivery)."""
        self._lock_for_update()
        self._check_can_approve()
        is_approver = self.env.su or self.env.user.has_group("rma_factory.group_rma_approver")
        final = self.browse()
        for rma in self:
            if rma.needs_second_approval and not is_approver:
                if rma.manager_approved:
                    raise UserError(
                        _(
                            "%s is waiting for the RMA Approver: you have already approved it.",
                            rma.name,
                        )
                    )
                rma._write_workflow({"manager_approved": True})
                rma._log_approval("manager")
                rma._close_approval_activities()
                rma._schedule_approval_activity("approver")
                rma.message_post(
                    body=_(
                        "Approved by %(user)s; an RMA Approver must also approve (amount above %(limit)s).",  # noqa: E501
                        user=self.env.user.name,
                        limit=rma.policy_id.second_approval_amount,
                    )
                )
                continue
            final |= rma
        if final:
            second = final.filtered("needs_second_approval")
            second._log_approval("approver")
            (final - second)._log_approval("manager")
            final._do_approve()
        return True

    def _do_approve(self):
        now = fields.Datetime.now()
        with self._working_days_memo():
            for rma in self:
                rma._write_workflow(rma._prepare_approval_vals(now))
        self._close_approval_activities()
        self._close_escalations(["review"])
        self._create_receipts()
        self._approve_by_type(now)
        replenish = self.filtered("replenish_first")
        if replenish:
            replenish.line_ids.filtered(
                lambda line: line.requested_outcome == "replace"
            )._create_replacements()
            replenish._schedule_promise_activity()
        self._record_review_step("approved")

    def _prepare_approval_vals(self, now):
        """Values written at the final approval: state, dates, the
        deadlines of the RMA type and the deposit an advance replacement
        asks for (the RMA's total, fixed from then on)."""
        self.ensure_one()
        policy = self.policy_id
        vals = {
            "state": "approved",
            "manager_approved": True,
            "date_approved": now,
            "return_deadline": self._add_working_days(now, policy.return_working_days),
        }
        if self.rma_type in NO_GOODS_TYPES:
            vals["return_deadline"] = False
        elif self.rma_type == "spare_part":
            vals["return_deadline"] = now + relativedelta(months=policy.spare_part_return_months)
        if self._is_carrier_damage():
            delivered = self.line_ids.move_id.filtered(lambda m: m.state == "done").mapped("date")
            start = self.picking_id.date_done or (max(delivered) if delivered else now)
            vals["claim_deadline"] = start + timedelta(hours=policy.carrier_claim_hours)
            vals["claim_state"] = "to_claim"
        if self.rma_type == "advance_replacement":
            vals["deposit_state"] = "to_collect"
            vals["deposit_amount"] = self.amount_total
        return vals

    def action_open_reject_wizard(self):
        self._check_state(("submitted",), _("Rejecting"))
        self._check_group("rma_factory.group_rma_manager", _("reject RMAs"))
        return self._rma_dialog_action(
            "factory.rma.reject.wizard", _("Reject RMA"), {"default_rma_ids": self.ids}
        )

    def _reject(self, reason, alternative):
        """Called by the reject wizard: a reason and a proposed alternative
        are mandatory; the customer is notified."""
        self._lock_for_update()
        self._check_state(("submitted",), _("Rejecting"))
        self._check_group("rma_factory.group_rma_manager", _("reject RMAs"))
        reason = (reason or "").strip()
        if not reason or not alternative:
            raise UserError(_("A rejection needs a reason and a proposed alternative."))
        self._write_workflow(
            {"state": "rejected", "reject_reason": reason, "reject_alternative": alternative}
        )
        label = dict(self._fields["reject_alternative"]._description_selection(self.env))[
            alternative
        ]
        self._log_approval("reject", f"{reason} / {label}")
        self._close_approval_activities()
        self._close_escalations(["review"])
        self._record_review_step("rejected")
        return True

    def action_set_urgent(self):
        """The leadership approves urgent handling: the solution is due in 2
        working days (3 international) instead of 7 (30)."""
        return self._set_urgent(True)

    def action_unset_urgent(self):
        return self._set_urgent(False)

    def _set_urgent(self, urgent):
        self._check_group("rma_factory.group_rma_approver", _("approve urgent handling"))
        self._lock_for_update()
        self._check_state(
            ("submitted", "approved", "received", "judged", "processing"),
            _("Changing the urgency"),
        )
        todo = self.filtered(lambda r: r.urgent != urgent)
        todo._write_workflow({"urgent": urgent})
        for rma in todo:
            rma.message_post(
                body=_("Urgent handling approved by %s.", self.env.user.name)
                if urgent
                else _("Urgent handling withdrawn by %s.", self.env.user.name)
            )
        return True
