import logging

from odoo import _, api, fields, models

_logger = logging.getLogger(__name__)

#: The steps of an RMA the customer hears about, in the order of the flow.
#: Addons add theirs with ``selection_add`` and ``_step_templates``.
CUSTOMER_STEPS = [
    ("request", "Request received"),
    ("approved", "Approved"),
    ("rejected", "Not approved"),
    ("return_shipped", "Goods sent back by you"),
    ("received", "Goods received"),
    ("judged", "Judgement"),
    ("repair_started", "Repair started"),
    ("repair_done", "Repair finished"),
    ("shipped", "Goods shipped to you"),
    ("reply", "Reply report sent"),
    ("reply_accepted", "Reply accepted"),
    ("reply_rejected", "Reply not accepted"),
    ("reply_deemed", "Reply deemed accepted"),
    ("closed", "Closed"),
]


class FactoryRmaCustomerMessage(models.Model):
    """One step of an RMA as the customer sees it: an entry of the portal
    timeline and, for the steps that have a mail template, the message the
    customer receives — recorded once per step (``key``), sent once by the
    cron, in the customer's language, with the step's documents attached.

    Recording and sending are separate: the step is recorded in the
    transaction that makes it (a receipt validated, an RMA approved), and
    the message (its PDFs rendered by wkhtmltopdf) is sent by the cron,
    triggered at once, so that a batch approval or a warehouse validation
    does not wait for the PDFs, and a step rolled back sends nothing.
    """

    _name = "factory.rma.customer.message"
    _description = "RMA Customer Message"
    _order = "date, id"
    _rec_name = "step"
    _check_company_auto = True

    rma_id = fields.Many2one(
        "factory.rma", "RMA", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="rma_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="rma_id.partner_id", string="Customer")
    step = fields.Selection(CUSTOMER_STEPS, required=True, readonly=True)
    key = fields.Char(
        required=True,
        readonly=True,
        help="What makes the step unique on its RMA: a step is recorded (and its message "
        "sent) once per key.",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    state = fields.Selection(
        [("pending", "To send"), ("sent", "Sent"), ("none", "No message")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    detail = fields.Char(readonly=True, help="The step's figures, in the customer's language.")
    line_values = fields.Json(
        readonly=True, help="The figures of the step per product, as they were at the step."
    )
    picking_id = fields.Many2one("stock.picking", "Transfer", readonly=True)
    repair_id = fields.Many2one("repair.order", "Repair Order", readonly=True)
    message_id = fields.Many2one("mail.message", "Message", readonly=True, ondelete="set null")

    _sql_constraints = [
        ("rma_key_uniq", "unique(rma_id, key)", "A step of an RMA is recorded once."),
    ]

    # ------------------------------------------------------------------
    # Templates and documents of the steps
    # ------------------------------------------------------------------
    @api.model
    def _step_templates(self):
        """Mail template (XML id) of each step that sends a message. The
        reply report goes through the mail composer, the closing through
        the satisfaction request (``_send_closed``); the customer's own
        answers send nothing."""
        return {
            "request": "rma_factory.mail_template_rma_step_request",
            "approved": "rma_factory.mail_template_rma_step_approved",
            "rejected": "rma_factory.mail_template_rma_step_rejected",
            "received": "rma_factory.mail_template_rma_step_received",
            "judged": "rma_factory.mail_template_rma_step_judged",
            "repair_started": "rma_factory.mail_template_rma_step_repair_started",
            "repair_done": "rma_factory.mail_template_rma_step_repair_done",
            "shipped": "rma_factory.mail_template_rma_step_shipped",
        }

    @api.model
    def _steps_with_message(self):
        """Steps that send the customer a message (recorded as "to send")."""
        return set(self._step_templates()) | {"closed"}

    def _documents(self):
        """PDFs attached to the step's message: [(report XML id, records,
        file name)]. The return authorisation goes with the approval of an
        RMA whose goods come back, the confirmation of the received
        quantities with each receipt."""
        self.ensure_one()
        rma = self.rma_id
        name = rma.name.replace("/", "-")
        if self.step == "approved" and rma._expects_goods_back():
            return [
                (
                    "rma_factory.action_report_rma_authorisation",
                    rma,
                    f"{_('Return authorisation')} {name}.pdf",
                )
            ]
        if self.step == "received":
            return [
                (
                    "rma_factory.action_report_rma_received_confirmation",
                    rma,
                    f"{_('Received quantities')} {name}.pdf",
                )
            ]
        return []

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    @api.model
    def _cron_send_pending(self):
        """Send the messages of the steps recorded since the last run, each
        in its own savepoint; returns the steps handled."""
        pending = self.sudo().search([("state", "=", "pending")], order="date, id")
        return self.env["factory.rma.guard"]._cron_run_each(
            pending, lambda step: step._send(), "Customer message"
        )

    def _send(self):
        """Send the step's message now (once): with the step's own sender
        (``_send_<step>``) or its mail template."""
        for step in self.sudo().filtered(lambda s: s.state == "pending"):
            step = step.with_context(lang=step.rma_id._customer_lang())
            sender = getattr(step, f"_send_{step.step}", None)
            message = sender() if sender else step._send_with_template()
            step.write({"state": "sent" if message else "none", "message_id": message.id})
        return True

    def _template(self):
        self.ensure_one()
        xmlid = self._step_templates().get(self.step)
        return self.env.ref(xmlid, raise_if_not_found=False) if xmlid else None

    def _send_with_template(self):
        """Post the step's template on the RMA for its customer: subject and
        body in the customer's language (the template's ``lang``), the
        step's documents attached; returns the message."""
        self.ensure_one()
        template = self._template()
        rma = self.rma_id
        recipients = rma._customer_recipients()
        if not template or not recipients:
            return self.env["mail.message"]
        template = template.sudo()
        subject = template._render_field("subject", self.ids, compute_lang=True)[self.id]
        body = template._render_field(
            "body_html", self.ids, compute_lang=True, options={"post_process": True}
        )[self.id]
        attachments = self._render_documents()
        return rma.sudo().message_post(
            body=body,
            subject=subject,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=recipients.ids,
            author_id=rma._customer_message_author().id,
            attachment_ids=attachments.ids,
            email_layout_xmlid="mail.mail_notification_light",
        )

    def _render_documents(self):
        """The step's PDFs as attachments of the RMA (downloadable with the
        message, from the portal too)."""
        self.ensure_one()
        attachments = self.env["ir.attachment"]
        Report = self.env["ir.actions.report"].sudo()
        for report_xmlid, records, filename in self._documents():
            content, _report_type = Report._render_qweb_pdf(report_xmlid, records.ids)
            attachments |= attachments.sudo().create(
                {
                    "name": filename,
                    "raw": content,
                    "mimetype": "application/pdf",
                    "res_model": "factory.rma",
                    "res_id": self.rma_id.id,
                }
            )
        return attachments

    def _send_closed(self):
        """The RMA is closed: the satisfaction request (rating) goes out."""
        self.ensure_one()
        return self.rma_id._send_satisfaction_request()
