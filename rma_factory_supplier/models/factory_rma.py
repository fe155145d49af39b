from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FactoryRma(models.Model):
    """The supplier side on the RMA: its returns to vendors, the cost
    recovered, the supplier 8D deadline step and the vendor's answer quoted
    in customer wording."""

    _inherit = "factory.rma"

    # the customer 8D reports stay what the quality addon counts and creates
    eightd_ids = fields.One2many(domain=[("kind", "=", "customer")])
    supplier_8d_ids = fields.One2many(
        "factory.rma.8d",
        "rma_id",
        "Supplier 8D Reports",
        domain=[("kind", "=", "supplier")],
        groups="base.group_user",
    )
    supplier_return_ids = fields.One2many(
        "factory.rma.supplier.return", "rma_id", "Supplier Returns", groups="base.group_user"
    )
    supplier_return_count = fields.Integer(
        compute="_compute_supplier_recovery", compute_sudo=True, groups="base.group_user"
    )
    supplier_recovery_amount = fields.Monetary(
        "Recovered from Suppliers",
        compute="_compute_supplier_recovery",
        compute_sudo=True,
        currency_field="company_currency_id",
        help="Posted vendor credit and debit notes of the RMA's supplier returns, in company "
        "currency.",
        groups="base.group_user",
    )
    supplier_8d_deadline = fields.Datetime(
        "Supplier 8D Due",
        compute="_compute_supplier_8d_step",
        store=True,
        help="Earliest reply deadline of the supplier 8D requests still unanswered.",
        groups="base.group_user",
    )
    date_supplier_8d_replied = fields.Datetime(
        "Supplier 8D Answered",
        compute="_compute_supplier_8d_step",
        store=True,
        groups="base.group_user",
    )

    def _workflow_fields(self):
        return super()._workflow_fields() | {"supplier_8d_deadline", "date_supplier_8d_replied"}

    @api.depends(
        "supplier_return_ids.vendor_move_ids.state",
        "supplier_return_ids.vendor_move_ids.amount_total_signed",
    )
    def _compute_supplier_recovery(self):
        for rma in self:
            rma.supplier_return_count = len(rma.supplier_return_ids)
            rma.supplier_recovery_amount = sum(rma.supplier_return_ids.mapped("recovery_amount"))

    @api.depends(
        "supplier_8d_ids.state",
        "supplier_8d_ids.supplier_deadline",
        "supplier_8d_ids.date_supplier_replied",
    )
    def _compute_supplier_8d_step(self):
        for rma in self:
            reports = rma.supplier_8d_ids.filtered(
                lambda r: r.state != "cancelled" and r.date_supplier_requested
            )
            waiting = reports.filtered(lambda r: not r.date_supplier_replied)
            rma.supplier_8d_deadline = min(waiting.mapped("supplier_deadline"), default=False)
            replied = reports.mapped("date_supplier_replied")
            rma.date_supplier_8d_replied = max(replied) if replied and not waiting else False

    @api.model
    def _rma_steps(self):
        """The supplier 8D step (SUP-02): the vendor answers within the
        policy's working days; the Quality Manager is escalated."""
        return super()._rma_steps() + [
            {
                "code": "supplier_8d",
                "label": _("Supplier 8D"),
                "escalation": _("Supplier 8D reply overdue"),
                "deadline": "supplier_8d_deadline",
                "pending": [("supplier_8d_deadline", "!=", False)],
                "done": "date_supplier_8d_replied",
                "escalate_to": "_escalation_user_quality",
            }
        ]

    def _confidential_partners(self, extra_partners=None):
        """The vendors of the supplier returns and supplier 8D reports are
        never named to the customer either (unless whitelisted)."""
        rma = self.sudo()
        extra = rma.supplier_return_ids.partner_id | rma.supplier_8d_ids.supplier_id
        if extra_partners:
            extra |= extra_partners
        return super()._confidential_partners(extra_partners=extra)

    # ------------------------------------------------------------------
    # Quoting the vendor in the customer reply
    # ------------------------------------------------------------------
    def action_quote_supplier_8d(self):
        """Add the vendor's root cause and corrective actions (from the
        answered supplier 8D reports) to the customer reply's cause and
        corrective action, supplier names filtered out; customer service
        rewords them before sending."""
        self.ensure_one()
        self._check_group("rma_factory.group_rma_user", _("write the customer reply"))
        self._check_state(("judged", "processing", "done"), _("Quoting the supplier's 8D"))
        if self.reply_state in ("sent", "accepted", "deemed_accepted"):
            raise UserError(
                _(
                    "%s: the customer reply was sent and waits for, or has, the customer's "
                    "answer; quote the supplier's 8D in the next version, after the customer "
                    "did not accept the reply.",
                    self.name,
                )
            )
        reports = self.sudo().supplier_8d_ids.filtered(
            lambda r: r.date_supplier_replied and r.state != "cancelled"
        )
        if not reports:
            raise UserError(_("%s: no vendor has answered a supplier 8D yet.", self.name))
        causes = [self._customer_safe_text(r.supplier_root_cause) for r in reports]
        actions = [self._customer_safe_text(r.supplier_corrective_action) for r in reports]
        self.write(
            {
                "customer_cause": "\n".join(filter(None, [self.customer_cause, *causes])),
                "customer_corrective_action": "\n".join(
                    filter(None, [self.customer_corrective_action, *actions])
                ),
            }
        )
        return True

    # ------------------------------------------------------------------
    # Smart button
    # ------------------------------------------------------------------
    def action_view_supplier_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "rma_factory_supplier.action_factory_rma_supplier_return"
        )
        action["domain"] = [("rma_id", "=", self.id)]
        action["context"] = {"create": False}
        if len(self.supplier_return_ids) == 1:
            action.update(views=[(False, "form")], res_id=self.supplier_return_ids.id)
        return action
