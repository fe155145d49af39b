from odoo import _, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import consteq


class FactoryRma(models.Model):
    """What the customer sees of an RMA and does with it from the portal.

    Confidentiality: a portal user reads over RPC exactly what the portal
    page shows. The fields the page shows (number, state, customer, request
    date, type, sale order, return deadline, receipt and closing dates, the
    responsible person as contact, the customer's answer, the lines) carry
    no ``groups``; every other field of ``factory.rma`` and
    ``factory.rma.line`` is internal (``groups="base.group_user"``). The
    page itself is rendered as superuser from the values below only, and
    the staff's texts go through ``_customer_safe_text``.
    """

    _inherit = "factory.rma"

    def _portal_line_values(self):
        """The lines as the portal page shows them: only these values are
        handed to the portal template, never the line records."""
        self.ensure_one()
        return [line._portal_values() for line in self.line_ids]

    def _portal_reply_values(self):
        """The reply section of the portal page: cause and corrective
        action in customer wording, without confidential supplier names."""
        self.ensure_one()
        return {
            "cause": self._customer_safe_text(self.customer_cause) or "",
            "corrective_action": self._customer_safe_text(self.customer_corrective_action) or "",
            "deemed_days": self.policy_id.reply_deemed_days,
        }

    def _check_portal_answer_access(self, access_token=None):
        """Only the customer answers the reply report from the portal: a
        portal user of the RMA's commercial partner, or anyone holding the
        RMA's access token (the link of the mail). Internal users record the
        answer with the buttons of the RMA form, under their own rights."""
        self.ensure_one()
        user = self.env.user
        if not user.share:
            raise AccessError(
                _(
                    "%s: the customer answers from the portal; internal users record the "
                    "customer's answer with the buttons of the RMA form.",
                    self.name,
                )
            )
        rma = self.sudo()
        if access_token and rma.access_token and consteq(rma.access_token, access_token):
            return
        if (
            not user._is_public()
            and user.partner_id.commercial_partner_id == rma.commercial_partner_id
        ):
            return
        raise AccessError(_("%s: only the customer can answer this reply.", self.name))

    def _portal_record_reply(self, accepted, access_token=None):
        """The customer accepts or does not accept the reply report from the
        portal. Checks the caller itself (``_check_portal_answer_access``),
        then records the answer as superuser; a second answer finds no reply
        waiting and changes nothing."""
        self.ensure_one()
        self._check_portal_answer_access(access_token)
        rma = self.sudo()
        # Two quick clicks: the second one fails cleanly on the lock or,
        # once the first is committed, finds no reply waiting.
        rma._lock_for_update()
        rma.invalidate_recordset(["reply_state"])
        if rma.reply_state != "sent":
            raise UserError(_("%s: no reply is waiting for your answer.", rma.name))
        user = self.env.user
        author = rma.partner_id if user._is_public() else user.partner_id
        rma.message_post(
            body=_("The customer accepted the corrective action from the portal.")
            if accepted
            else _("The customer did not accept the corrective action (portal)."),
            author_id=author.id,
        )
        if accepted:
            return rma._do_reply_accepted()
        return rma._do_reply_rejected()


class FactoryRmaLine(models.Model):
    _inherit = "factory.rma.line"

    def _portal_values(self):
        """What the portal page shows of the line (the portal whitelist):
        product, lot, reason, requested and received quantities, outcome."""
        self.ensure_one()
        outcomes = dict(self._fields["decided_outcome"]._description_selection(self.env))
        return {
            "product": self.product_id.display_name,
            "lot": self.lot_id.name or "",
            "reason": self.reason_id.display_name or "",
            "quantity": self.quantity,
            "uom": self.product_uom_id.name,
            "qty_received": self.qty_received,
            "outcome": outcomes.get(self.decided_outcome, ""),
        }
