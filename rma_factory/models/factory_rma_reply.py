import re
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FactoryRma(models.Model):
    """The customer reply report, the customer's answer and the closure follow-up.

    顾客退换货答复报告: cause and corrective action in customer wording (supplier
    names filtered), accepted, not accepted or deemed accepted after 45 days.
    """

    _inherit = "factory.rma"

    # Customer reply report (顾客退换货答复报告)
    customer_cause = fields.Text(
        "Cause (customer wording)",
        help="The cause as the customer reads it in the reply report: never processes, "
        "production flow or suppliers.",
        groups="base.group_user",
    )
    customer_corrective_action = fields.Text(
        "Corrective Action (customer wording)", groups="base.group_user"
    )
    reply_state = fields.Selection(
        [
            ("sent", "Sent"),
            ("accepted", "Accepted"),
            ("rejected", "Not accepted"),
            ("deemed_accepted", "Deemed accepted"),
        ],
        "Customer Reply",
        readonly=True,
        copy=False,
        tracking=True,
    )
    reply_version = fields.Integer(readonly=True, copy=False, groups="base.group_user")
    date_reply_sent = fields.Datetime(
        "Reply Sent", readonly=True, copy=False, groups="base.group_user"
    )
    date_reply_answer = fields.Datetime("Customer Answer", readonly=True, copy=False)
    followup_done = fields.Boolean(
        "Closure Re-checked",
        readonly=True,
        copy=False,
        help="The re-check one month after closure was scheduled and the satisfaction "
        "request sent.",
        groups="base.group_user",
    )

    def _workflow_fields(self):
        """The reply's versions and the customer's answer are recorded by the buttons."""
        return super()._workflow_fields() | {
            "reply_state",
            "reply_version",
            "date_reply_sent",
            "date_reply_answer",
            "followup_done",
        }

    def _check_can_send_reply(self):
        """The reply goes out while the RMA is open (judged or processing):
        it then waits for the customer's confirmation before it closes."""
        self._check_group("rma_factory.group_rma_user", _("send the customer reply"))
        self._check_state(("judged", "processing"), _("Sending the customer reply"))
        for rma in self:
            if not (rma.customer_cause or "").strip():
                raise UserError(
                    _("%s: write the cause in customer wording before replying.", rma.name)
                )

    def action_send_customer_reply(self):
        """Open the mail composer with the customer reply report."""
        self.ensure_one()
        self._check_can_send_reply()
        template = self.env.ref("rma_factory.mail_template_rma_customer_reply")
        return self._rma_composer_action(template)

    def _rma_template_sent(self, template):
        """The customer reply report sent with its template marks the reply
        as sent (a new version), for an RMA user on a judged RMA."""
        if template != self.env.ref("rma_factory.mail_template_rma_customer_reply"):
            return super()._rma_template_sent(template)
        self._lock_for_update()
        self._check_can_send_reply()
        self._mark_reply_sent()
        return True

    def _mark_reply_sent(self, step="reply", detail=None):
        """A new version of the reply went to the customer (the reply report,
        or the 8D report of the quality addon: ``step``): the RMA waits for
        the customer's confirmation and does not close before it."""
        self._close_escalations(["solution", "reply"])
        for rma in self:
            version = rma.reply_version + 1
            rma._write_workflow(
                {
                    "reply_state": "sent",
                    "reply_version": version,
                    "date_reply_sent": fields.Datetime.now(),
                    "date_reply_answer": False,
                }
            )
            env = rma.with_context(lang=rma._customer_lang()).env
            # the report itself went with the composer's message
            label = env._("Version %s", version)
            rma._record_customer_step(
                step,
                key=f"reply:{version}",
                detail=f"{detail} – {label}" if detail else label,
                state="sent",
            )

    def _check_can_record_reply(self):
        self._check_group("rma_factory.group_rma_user", _("record the customer's answer"))
        for rma in self:
            if rma.reply_state != "sent":
                raise UserError(_("%s: no reply is waiting for the customer's answer.", rma.name))

    def _answer_reply(self, accepted):
        """Record the customer's answer to the reply waiting for it, for a
        caller whose right to record it was checked (the 8D report's
        buttons for quality)."""
        self._lock_for_update()
        for rma in self:
            if rma.reply_state != "sent":
                raise UserError(_("%s: no reply is waiting for the customer's answer.", rma.name))
        return self._do_reply_accepted() if accepted else self._do_reply_rejected()

    def action_reply_accepted(self):
        """The customer confirms the corrective action (from a reply or the
        portal)."""
        self._lock_for_update()
        self._check_can_record_reply()
        return self._do_reply_accepted()

    def _do_reply_accepted(self):
        self._write_workflow(
            {"reply_state": "accepted", "date_reply_answer": fields.Datetime.now()}
        )
        self._record_reply_answer("reply_accepted")
        self._close_after_reply()
        return True

    def _record_reply_answer(self, step):
        """The customer's answer to the current version, on the timeline."""
        for rma in self:
            rma._record_customer_step(step, key=f"answer:{rma.reply_version}")

    def action_reply_rejected(self):
        """The customer does not accept: the corrective action is reworked
        and a new report issued (activity for the RMA's responsible)."""
        self._lock_for_update()
        self._check_can_record_reply()
        return self._do_reply_rejected()

    def _do_reply_rejected(self):
        self._write_workflow(
            {"reply_state": "rejected", "date_reply_answer": fields.Datetime.now()}
        )
        self._record_reply_answer("reply_rejected")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for rma in self:
            user = rma.user_id or self.env.user
            rma.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=user.id,
                summary=rma._in_lang_of(user).env._(
                    "Customer did not accept: rework the corrective action and reply again"
                ),
            )
        return True

    def _ready_to_close(self):
        """Every line is resolved and no reply waits for the customer: a
        reply sent waits for the customer's confirmation (accepted, or
        deemed accepted after the policy's days), a reply not accepted for
        its new version."""
        self.ensure_one()
        return self.reply_state not in ("sent", "rejected") and all(
            line.is_resolved for line in self.line_ids
        )

    def _close_after_reply(self):
        """An accepted (or deemed accepted) reply closes the RMA once its
        goods and documents are complete."""
        to_close = self.filtered(
            lambda r: r.state in ("judged", "processing") and r._ready_to_close()
        )
        if to_close:
            to_close._action_done()

    @api.model
    def _cron_reply_deemed_accepted(self):
        """TIME-42: a reply without answer for the policy's days (45) is
        deemed accepted and the RMA closed."""
        now = fields.Datetime.now()
        rmas = self.search([("reply_state", "=", "sent")])
        deemed = rmas.filtered(
            lambda r: (
                r.date_reply_sent
                and r.date_reply_sent + timedelta(days=r.policy_id.reply_deemed_days) <= now
            )
        )
        return self._cron_run_each(
            deemed, lambda rma: rma._deem_reply_accepted(now), "Deemed acceptance of the reply"
        )

    def _deem_reply_accepted(self, now):
        self.ensure_one()
        self._write_workflow({"reply_state": "deemed_accepted", "date_reply_answer": now})
        self._record_reply_answer("reply_deemed")
        self.message_post(
            body=_(
                "No answer from the customer within %s days: the reply is deemed accepted.",
                self.policy_id.reply_deemed_days,
            )
        )
        self._close_after_reply()

    @api.model
    def _cron_closure_followup(self):
        """TIME-28: one month after closure, a re-check activity (was the
        complaint closed effectively?). The satisfaction request went out
        at the closure."""
        now = fields.Datetime.now()
        rmas = self.search([("state", "=", "done"), ("followup_done", "=", False)])
        due = rmas.filtered(
            lambda r: r.date_done and r.date_done + timedelta(days=r.policy_id.recheck_days) <= now
        )
        return self._cron_run_each(due, lambda rma: rma._closure_followup(), "Closure follow-up")

    def _closure_followup(self):
        self.ensure_one()
        user = self.user_id or self.env.user
        self.activity_schedule(
            activity_type_id=self.env.ref("mail.mail_activity_data_todo").id,
            user_id=user.id,
            summary=self._in_lang_of(user).env._("Re-check: was the complaint closed effectively?"),
        )
        self._write_workflow({"followup_done": True})

    def _send_satisfaction_request(self):
        """The satisfaction request (rating) of a closed RMA, sent by its
        closing step; returns the messages posted."""
        template = self.env.ref("rma_factory.mail_template_rma_rating", raise_if_not_found=False)
        messages = self.env["mail.message"]
        if not template:
            return messages
        for rma in self.filtered("partner_id.email"):
            rma.rating_send_request(template, lang=rma.partner_id.lang, force_send=False)
            messages |= messages.sudo().search(
                [("model", "=", rma._name), ("res_id", "=", rma.id)], order="id desc", limit=1
            )
        return messages

    def _confidential_partners(self, extra_partners=None):
        """Suppliers whose names never appear in a document for the
        customer: suppliers judged responsible on the lines and vendors of
        the products, except those whitelisted on the partner."""
        self.ensure_one()
        lines = self.line_ids.sudo()
        partners = lines.filtered(
            lambda line: line.responsibility == "supplier"
        ).responsible_partner_id
        partners |= lines.responsible_partner_id.filtered(lambda p: p.supplier_rank > 0)
        partners |= lines.product_id.seller_ids.partner_id
        if extra_partners:
            partners |= extra_partners.sudo()
        partners |= partners.commercial_partner_id
        return partners.filtered(lambda p: not p.rma_disclose_in_reports)

    def _customer_safe_text(self, text, extra_partners=None):
        """``text`` with the names of confidential suppliers replaced.

        HTML stays HTML: for ``Markup`` (the value of an Html field) the
        names are replaced in their escaped form and the result is
        ``Markup``, so that ``t-out`` prints it as HTML. Plain text stays
        plain text, escaped where it is printed."""
        self.ensure_one()
        if not text:
            return text
        is_html = isinstance(text, Markup)
        placeholder = _("[supplier]")
        result = str(text)
        for partner in self._confidential_partners(extra_partners):
            for name in {partner.name} - {False, ""}:
                pattern, replacement = (
                    (str(escape(name)), str(escape(placeholder)))
                    if is_html
                    else (name, placeholder)
                )
                result = re.sub(
                    re.escape(pattern), lambda _m, r=replacement: r, result, flags=re.IGNORECASE
                )
        return Markup(result) if is_html else result
