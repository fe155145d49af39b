from odoo import _, api, fields, models
from odoo.exceptions import UserError

QUALITY_INSPECTOR = "rma_factory_quality.group_quality_inspector"


class FactoryRma8d(models.Model):
    """The supplier 8D: an 8D report of kind "supplier" requested from the
    vendor with the inspection's evidence, answered within the policy's
    working days (2) on the company calendar."""

    _inherit = "factory.rma.8d"

    kind = fields.Selection(
        [("customer", "Customer complaint"), ("supplier", "Supplier")],
        default="customer",
        required=True,
        readonly=True,
        help="Customer complaint: our reply to the customer. Supplier: the report we request "
        "from the vendor whose goods caused the defect.",
    )
    supplier_id = fields.Many2one("res.partner", "Vendor", readonly=True, check_company=True)
    supplier_return_id = fields.Many2one(
        "factory.rma.supplier.return", "Supplier Return", readonly=True, check_company=True
    )
    date_supplier_requested = fields.Datetime("Requested from Vendor", readonly=True, copy=False)
    supplier_deadline = fields.Datetime(
        "Vendor Reply Due",
        compute="_compute_supplier_deadline",
        store=True,
        help="The request plus the policy's supplier 8D working days on the company calendar.",
    )
    date_supplier_replied = fields.Datetime("Vendor Replied", readonly=True, copy=False)
    supplier_root_cause = fields.Text(
        "Vendor's Root Cause", help="The cause as the vendor states it (confidential)."
    )
    supplier_corrective_action = fields.Text(
        "Vendor's Corrective Actions", help="The vendor's handling plan and corrective actions."
    )

    @api.depends("date_supplier_requested", "rma_id.policy_id.supplier_8d_working_days")
    def _compute_supplier_deadline(self):
        for report in self:
            if report.kind == "supplier" and report.date_supplier_requested:
                report.supplier_deadline = report.rma_id._add_working_days(
                    report.date_supplier_requested,
                    report.rma_id.policy_id.supplier_8d_working_days,
                )
            else:
                report.supplier_deadline = False

    def _workflow_fields(self):
        return super()._workflow_fields() | {
            "supplier_id",
            "supplier_return_id",
            "date_supplier_requested",
            "date_supplier_replied",
        }

    @api.model_create_multi
    def create(self, vals_list):
        """Supplier 8D reports come from their supplier return's button."""
        if not self.env.su and any(vals.get("kind") == "supplier" for vals in vals_list):
            raise UserError(
                _("A supplier 8D is requested from its supplier return (Request Supplier 8D).")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and "kind" in vals and any(r.kind != vals["kind"] for r in self):
            raise UserError(_("The kind of an 8D report cannot change."))
        return super().write(vals)

    def _check_supplier_kind(self, action_label):
        for report in self:
            if report.kind != "supplier":
                raise UserError(
                    _(
                        "%(name)s is no supplier 8D: %(action)s.",
                        name=report.name,
                        action=action_label,
                    )
                )

    # ------------------------------------------------------------------
    # Request to the vendor
    # ------------------------------------------------------------------
    def _check_can_request_supplier(self):
        self._check_group(QUALITY_INSPECTOR, _("request supplier 8D reports"))
        self._check_supplier_kind(_("only supplier 8D reports go to a vendor"))
        self._check_state(("draft", "in_progress"), _("Sending the request to the vendor"))
        for report in self:
            if not report.supplier_id.email:
                raise UserError(
                    _(
                        "%(name)s: %(vendor)s has no e-mail address.",
                        name=report.name,
                        vendor=report.supplier_id.display_name,
                    )
                )

    def action_send_supplier_request(self):
        """Open the mail composer with the 8D request and the inspection's
        evidence; sending it starts the vendor's clock."""
        self.ensure_one()
        self._check_can_request_supplier()
        template = self.env.ref("rma_factory_supplier.mail_template_rma_supplier_8d")
        action = self._rma_composer_action(template)
        evidence = self.sudo().inspection_id._supplier_evidence_attachments()
        if evidence:
            action["context"]["default_attachment_ids"] = [fields.Command.set(evidence.ids)]
        return action

    def _rma_template_sent(self, template):
        if template != self.env.ref("rma_factory_supplier.mail_template_rma_supplier_8d"):
            return super()._rma_template_sent(template)
        self._lock_for_update()
        self._check_can_request_supplier()
        self._mark_supplier_requested()
        return True

    def _mark_supplier_requested(self):
        """First request: the report is in progress and the vendor's
        deadline runs; a reminder sent again keeps the first deadline."""
        for report in self:
            vals = {}
            if report.state == "draft":
                vals["state"] = "in_progress"
            if not report.date_supplier_requested:
                vals["date_supplier_requested"] = fields.Datetime.now()
            if vals:
                report._write_workflow(vals)

    def action_supplier_replied(self):
        """The vendor's 8D came back: its root cause and corrective actions
        are recorded, the deadline step is done."""
        self._check_group(QUALITY_INSPECTOR, _("record the vendor's 8D reply"))
        self._lock_for_update()
        self._check_supplier_kind(_("record the vendor's reply"))
        self._check_state(("in_progress",), _("Recording the vendor's reply"))
        for report in self:
            if not report.date_supplier_requested:
                raise UserError(_("%s: the request was not sent to the vendor.", report.name))
            if report.date_supplier_replied:
                raise UserError(_("%s: the vendor's reply is already recorded.", report.name))
            if (
                not (report.supplier_root_cause or "").strip()
                or not (report.supplier_corrective_action or "").strip()
            ):
                raise UserError(
                    _("%s: record the vendor's root cause and corrective actions.", report.name)
                )
        self._write_workflow({"date_supplier_replied": fields.Datetime.now()})
        self.rma_id.sudo()._close_escalations(["supplier_8d"])
        return True

    # ------------------------------------------------------------------
    # Guards of the customer 8D
    # ------------------------------------------------------------------
    def _check_can_send(self):
        """A supplier 8D never goes to the customer."""
        for report in self:
            if report.kind == "supplier":
                raise UserError(
                    _(
                        "%s is the vendor's 8D: it is not sent to the customer (quote its "
                        "cause in customer wording on the RMA's reply).",
                        report.name,
                    )
                )
        return super()._check_can_send()

    def _check_content_complete(self):
        """A supplier 8D closes once the vendor's reply is recorded."""
        for report in self.filtered(lambda r: r.kind == "supplier"):
            if not report.date_supplier_replied:
                raise UserError(_("%s: record the vendor's reply first.", report.name))
        return super()._check_content_complete()

    def _confidential_extra_partners(self):
        extra = super()._confidential_extra_partners()
        return extra | self.sudo().supplier_id
