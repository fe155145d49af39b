from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import consteq

from .factory_rma_outcome import NO_GOODS_TYPES

#: RMA states in which the return authorisation exists (approved and later).
AUTHORISED_STATES = ("approved", "received", "judged", "processing", "done")
#: Longest carrier name and tracking number the customer may enter.
SHIPMENT_FIELD_SIZE = 64


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

    # The customer's own return shipment (LOG-23): entered on the portal,
    # shown there and on the receipt.
    return_carrier_name = fields.Char("Return Carrier", copy=False, tracking=True)
    return_tracking_ref = fields.Char("Return Tracking Number", copy=False, tracking=True)
    date_return_shipped = fields.Datetime(
        "Return Shipment Entered", readonly=True, copy=False, groups="base.group_user"
    )

    def _workflow_fields(self):
        """When the customer entered its shipment is recorded by the portal."""
        return super()._workflow_fields() | {"date_return_shipped"}

    def write(self, vals):
        res = super().write(vals)
        if {"return_carrier_name", "return_tracking_ref"} & set(vals):
            self._sync_return_shipment()
        return res

    def _open_receipts(self):
        """The receipts of the customer's goods still to validate."""
        self.ensure_one()
        return (
            self.sudo()
            .line_ids.move_ids.filtered(
                lambda m: m.rma_move_kind == "receipt" and m.state not in ("done", "cancel")
            )
            .picking_id
        )

    def _sync_return_shipment(self):
        """The carrier and tracking number go on the open receipts, where the
        warehouse expects the parcel (as superuser: whoever records them
        may not write transfers)."""
        for rma in self:
            receipts = rma._open_receipts()
            if receipts:
                receipts.sudo().write(
                    {
                        "rma_carrier_name": rma.return_carrier_name,
                        "rma_tracking_ref": rma.return_tracking_ref,
                    }
                )

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
        if not self.env.user.share:
            raise AccessError(
                _(
                    "%s: the customer answers from the portal; internal users record the "
                    "customer's answer with the buttons of the RMA form.",
                    self.name,
                )
            )
        if not self._is_portal_customer(access_token):
            raise AccessError(_("%s: only the customer can answer this reply.", self.name))

    def _is_portal_customer(self, access_token=None):
        """Whether the caller is the RMA's customer on the portal: a portal
        user of its commercial partner, or the holder of its access token."""
        self.ensure_one()
        user = self.env.user
        if not user.share:
            return False
        rma = self.sudo()
        if access_token and rma.access_token and consteq(rma.access_token, access_token):
            return True
        return (
            not user._is_public()
            and user.partner_id.commercial_partner_id == rma.commercial_partner_id
        )

    def _portal_customer_author(self):
        """Author of what the customer does from the portal."""
        self.ensure_one()
        user = self.env.user
        return self.sudo().partner_id if user._is_public() else user.partner_id

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
        author = self._portal_customer_author()
        rma.message_post(
            body=_("The customer accepted the corrective action from the portal.")
            if accepted
            else _("The customer did not accept the corrective action (portal)."),
            author_id=author.id,
        )
        if accepted:
            return rma._do_reply_accepted()
        return rma._do_reply_rejected()

    # ------------------------------------------------------------------
    # The customer's return shipment (LOG-23)
    # ------------------------------------------------------------------
    def _portal_can_enter_shipment(self):
        """The customer enters its shipment once the return is authorised,
        while goods are still expected."""
        self.ensure_one()
        rma = self.sudo()
        return (
            rma.state in ("approved", "received")
            and rma._expects_goods_back()
            and bool(rma._open_receipts())
        )

    def _portal_record_return_shipment(self, carrier, tracking_ref, access_token=None):
        """The customer tells how its goods come back (carrier and tracking
        number): checked for the customer like its answer to the reply,
        recorded as superuser on the RMA and its open receipts."""
        self.ensure_one()
        if not self.env.user.share or not self._is_portal_customer(access_token):
            raise AccessError(
                _("%s: only the customer enters its return shipment here.", self.name)
            )
        rma = self.sudo()
        rma._lock_for_update()
        if not rma._portal_can_enter_shipment():
            raise UserError(_("%s does not wait for goods from you any more.", rma.name))
        carrier = (carrier or "").strip()
        tracking_ref = (tracking_ref or "").strip()
        if not carrier or not tracking_ref:
            raise UserError(_("Enter the carrier and the tracking number."))
        if len(carrier) > SHIPMENT_FIELD_SIZE or len(tracking_ref) > SHIPMENT_FIELD_SIZE:
            raise UserError(
                _(
                    "The carrier and the tracking number have at most %s characters.",
                    SHIPMENT_FIELD_SIZE,
                )
            )
        if (rma.return_carrier_name, rma.return_tracking_ref) == (carrier, tracking_ref):
            return False
        rma.write({"return_carrier_name": carrier, "return_tracking_ref": tracking_ref})
        rma._write_workflow({"date_return_shipped": fields.Datetime.now()})
        rma._record_customer_step(
            "return_shipped",
            key=f"return_shipped:{carrier}:{tracking_ref}",
            detail=f"{carrier} {tracking_ref}",
        )
        rma.message_post(
            body=Markup("%s<br/>%s")
            % (
                _("The customer sent the goods back (portal)."),
                _(
                    "Carrier: %(carrier)s, tracking number: %(ref)s",
                    carrier=carrier,
                    ref=tracking_ref,
                ),
            ),
            author_id=self._portal_customer_author().id,
        )
        return True

    def _portal_return_instructions(self):
        """What the customer needs to send the goods back (whitelisted
        values): the authorisation number, the return address, the
        deadline and the shipment already entered."""
        self.ensure_one()
        rma = self.sudo()
        address = rma.warehouse_id.partner_id or rma.company_id.partner_id
        return {
            "number": rma.name,
            "address_name": address.name or "",
            "address": address._display_address(without_company=True),
            "deadline": rma.return_deadline,
            "carrier": rma.return_carrier_name or "",
            "tracking_ref": rma.return_tracking_ref or "",
            "can_enter_shipment": rma._portal_can_enter_shipment(),
        }

    # ------------------------------------------------------------------
    # Documents the customer downloads
    # ------------------------------------------------------------------
    def _portal_documents(self):
        """Documents the customer downloads from the portal page: {key:
        (label, report XML id, records to print, file name)}, only those
        that exist for this RMA. Addons add theirs (the quality addon its
        8D reports)."""
        self.ensure_one()
        rma = self.sudo()
        name = rma.name.replace("/", "-")
        documents = {}
        goods = rma.rma_type not in NO_GOODS_TYPES
        if rma.state in AUTHORISED_STATES and goods:
            documents["authorisation"] = (
                _("Return Authorisation"),
                "rma_factory.action_report_rma_authorisation",
                rma,
                f"return-authorisation-{name}",
            )
        if rma.date_received and goods:
            documents["received"] = (
                _("Received Quantities"),
                "rma_factory.action_report_rma_received_confirmation",
                rma,
                f"received-quantities-{name}",
            )
        if rma.reply_state:
            documents["reply"] = (
                _("Reply Report"),
                "rma_factory.action_report_rma_customer_reply",
                rma,
                f"customer-reply-{name}",
            )
        return documents


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
