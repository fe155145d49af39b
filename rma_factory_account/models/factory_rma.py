from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

#: RMA states in which received goods can be credited.
CREDIT_STATES = ("received", "judged", "processing", "done")
#: Who posts, reconciles and pays accounting documents.
ACCOUNTING_GROUP = "account.group_account_invoice"
RMA_USER_GROUP = "rma_factory.group_rma_user"
RMA_MANAGER_GROUP = "rma_factory.group_rma_manager"


class FactoryRma(models.Model):
    _inherit = "factory.rma"

    credit_note_ids = fields.One2many(
        "account.move",
        "rma_id",
        string="Credit Notes",
        readonly=True,
        domain=[("move_type", "=", "out_refund")],
        groups="base.group_user",
    )
    charge_invoice_ids = fields.One2many(
        "account.move",
        "rma_id",
        string="Charge Invoices",
        readonly=True,
        domain=[("move_type", "=", "out_invoice")],
        help="Paid repair, dealer charge-back and freight invoices of the RMA.",
        groups="base.group_user",
    )
    charge_invoice_count = fields.Integer(
        compute="_compute_credit_note_count", compute_sudo=True, groups="base.group_user"
    )
    credit_note_count = fields.Integer(
        compute="_compute_credit_note_count", compute_sudo=True, groups="base.group_user"
    )
    refund_state = fields.Selection(
        [
            ("none", "Nothing to credit"),
            ("not_invoiced", "Not invoiced – quantities corrected"),
            ("to_credit", "To credit"),
            ("credited", "Credited"),
            ("reconciled", "Reconciled"),
            ("paid", "Paid back"),
        ],
        compute="_compute_refund_state",
        compute_sudo=True,
        help="Not invoiced: the goods were never invoiced, only the sale quantities change. "
        "Credited: the credit note is posted and stays as customer credit. Reconciled: the "
        "credit note is reconciled with the invoice. Paid back: a refund payment settled it.",
        groups="base.group_user",
    )
    refund_payment_requested = fields.Boolean(
        "Pay Back",
        tracking=True,
        copy=False,
        help="The customer wants the money back (refund payment on the original payment's "
        "journal) instead of keeping the credit.",
        groups="base.group_user",
    )
    refund_payment_ids = fields.One2many(
        "account.payment",
        "rma_id",
        string="Refund Payments",
        readonly=True,
        groups="base.group_user",
    )
    refund_deadline = fields.Datetime(
        compute="_compute_refund_deadline",
        store=True,
        help="Refund due date: the goods' acceptance (judgement) plus the policy's refund "
        "working days on the company calendar.",
        groups="base.group_user",
    )
    refund_overdue = fields.Boolean(
        compute="_compute_refund_overdue", compute_sudo=True, groups="base.group_user"
    )
    refund_date = fields.Datetime(
        "Refunded On",
        readonly=True,
        copy=False,
        help="When the customer was refunded: the credit note posted (kept as credit or "
        "reconciled with the invoice) or the refund payment registered.",
        groups="base.group_user",
    )
    refund_on_time = fields.Boolean(
        "Refund On Time",
        compute="_compute_refund_on_time",
        help="Refunded no later than the refund deadline.",
        groups="base.group_user",
    )

    def _workflow_fields(self):
        """When the customer was refunded is recorded by the refund itself."""
        return super()._workflow_fields() | {"refund_date"}

    @api.depends("credit_note_ids", "charge_invoice_ids")
    def _compute_credit_note_count(self):
        for rma in self:
            rma.credit_note_count = len(rma.credit_note_ids)
            rma.charge_invoice_count = len(rma.charge_invoice_ids)

    @api.depends(
        "rma_type",
        "policy_id.credit_return_only",
        "line_ids.qty_to_credit",
        "line_ids.credit_not_invoiced",
        "line_ids.concession_amount",
        "line_ids.decided_outcome",
        "line_ids.is_third_party",
        "line_ids.invoice_line_id",
        "line_ids.credit_origin_line_ids",
        "line_ids.sale_line_id.invoice_lines.parent_state",
        "line_ids.credit_line_ids.parent_state",
        "line_ids.credit_line_ids.rma_charge_type",
        "credit_note_ids.payment_state",
        "credit_note_ids.state",
        "refund_payment_ids.state",
    )
    def _compute_refund_state(self):
        """Goods credited by quantity, and concessions (complaint only) by
        amount: a concession without a posted credit note is to credit."""
        for rma in self:
            credited = rma.line_ids.filtered(lambda x: x._credits_customer())
            lines = credited.filtered(lambda x: x._needs_credit_note())
            concessions = rma.line_ids.filtered(lambda x: x._is_concession())
            notes = rma.credit_note_ids.filtered(lambda m: m.state == "posted")
            if not credited and not concessions:
                rma.refund_state = "none"
            elif not lines and not concessions:
                rma.refund_state = "not_invoiced"
            elif (
                not notes
                or any(line.qty_to_credit > 0 for line in lines)
                or any(not line._concession_credit_lines("posted") for line in concessions)
            ):
                rma.refund_state = "to_credit"
            elif all(m.payment_state in ("paid", "reversed", "in_payment") for m in notes):
                paid_back = rma.refund_payment_ids.filtered(lambda p: p.state != "canceled")
                rma.refund_state = "paid" if paid_back else "reconciled"
            else:
                rma.refund_state = "credited"

    @api.depends(
        "date_judged",
        "policy_id.refund_working_days",
        "policy_id.credit_return_only",
        "line_ids.decided_outcome",
        "line_ids.is_third_party",
    )
    def _compute_refund_deadline(self):
        with self._working_days_memo():
            for rma in self:
                if rma.date_judged and any(line._credits_customer() for line in rma.line_ids):
                    rma.refund_deadline = rma._add_working_days(
                        rma.date_judged, rma.policy_id.refund_working_days
                    )
                else:
                    rma.refund_deadline = False

    @api.depends("refund_date", "refund_deadline")
    def _compute_refund_on_time(self):
        for rma in self:
            rma.refund_on_time = bool(
                rma.refund_date and rma.refund_deadline and rma.refund_date <= rma.refund_deadline
            )

    def _compute_refund_overdue(self):
        overdue = self._overdue_steps_by_rma(fields.Datetime.now())
        for rma in self:
            rma.refund_overdue = "refund" in overdue[rma]

    def _is_refund_overdue(self, now):
        """Whether the refund step of the registry is overdue at ``now``:
        past the deadline while goods are still to credit, or while a
        requested refund payment is not made (a customer keeping the credit
        is never overdue)."""
        self.ensure_one()
        return "refund" in self._overdue_steps(now)

    # ------------------------------------------------------------------
    # Accounting documents: RMA users and managers prepare the drafts,
    # accountants post, reconcile and pay
    # ------------------------------------------------------------------
    def _rma_posts_accounting(self):
        """Whether the caller posts and pays the accounting documents its
        RMA action creates: accountants (and server code). RMA users and
        managers without accounting rights leave drafts for accounting."""
        return self.env.su or self.env.user.has_group(ACCOUNTING_GROUP)

    def _rma_prepare_model(self, model):
        """``account.move`` or ``account.payment`` to create the draft an RMA
        action prepares. RMA users and managers may not create accounting
        documents: once the action checked their group and the RMA's state,
        the draft it causes (and nothing else) is created as superuser; it
        is posted only by someone with accounting rights."""
        Model = self.env[model]
        return Model if Model.has_access("create") else Model.sudo()

    def _rma_post_or_hand_over(self, documents, label):
        """Post ``documents`` (journal entries or payments of this RMA) when
        the caller has accounting rights; otherwise they stay drafts and the
        chatter tells accounting. Returns whether they were posted."""
        self.ensure_one()
        if not documents:
            return False
        if self._rma_posts_accounting():
            documents.with_env(self.env).action_post()
            return True
        self.message_post(
            body=_(
                "%(documents)s prepared as draft, to be posted by accounting: %(names)s",
                documents=label,
                names=", ".join(documents.sudo().mapped("display_name")),
            )
        )
        return False

    def _check_can_create_credit_note(self):
        self._check_any_group([RMA_USER_GROUP, ACCOUNTING_GROUP], _("create RMA credit notes"))
        self._check_state(CREDIT_STATES, _("Crediting"))

    def action_create_credit_note(self):
        """One red-ink credit note per RMA and original invoice for the
        received, accepted quantity of refund and return-only lines. A
        second click creates nothing while the first note exists."""
        self._check_can_create_credit_note()
        self._lock_for_update()
        lines = self._lines_to_credit()
        concessions = self._concessions_to_credit()
        if not lines and not concessions:
            raise UserError(
                _("Nothing to credit: every accepted quantity is already on a credit note.")
            )
        undetermined = lines.filtered(lambda x: x._invoice_undetermined())
        if undetermined:
            return self._action_open_credit_wizard(undetermined)
        invoice_lines = self.env["account.move.line"]
        for line in lines | concessions:
            invoice_lines |= line._origin_invoice_lines()
        # Two accountants crediting RMAs that share an invoice line (or the
        # never-billed units of a sale line) decide one after the other:
        # the later one is retried on fresh data, before anything is read.
        self._serialize_on(invoice_lines)
        self._serialize_on(lines.sale_line_id)
        invoice_lines.fetch(["tax_ids", "sale_line_ids", "move_id"])
        credited = self.env["factory.rma.line"]._credited_qty_by_invoice_line(invoice_lines)
        by_invoice = defaultdict(list)
        never_billed = {}
        claimed = defaultdict(float)  # sale line id -> never billed claimed in this batch
        for line in lines:
            allocation, left = line._credit_allocation(credited)
            rounding = line._qty_rounding()
            if float_compare(left, 0.0, precision_rounding=rounding) > 0:
                available = line._never_billed_qty() - claimed[line.sale_line_id.id]
                if float_compare(left, available, precision_rounding=rounding) > 0:
                    raise UserError(
                        _(
                            "You cannot credit more %(product)s than invoiced: %(qty)s are not "
                            "covered by an invoice line.",
                            product=line.product_id.display_name,
                            qty=left,
                        )
                    )
                never_billed[line] = left
                claimed[line.sale_line_id.id] += left
            for inv_line, qty in allocation:
                by_invoice[(line.rma_id, inv_line.move_id)].append(
                    line._prepare_credit_line_vals(inv_line, qty)
                )
        # Units of a partly invoiced sale line that were never billed: the
        # sale quantities change, nothing to credit (checked above).
        for line, qty in never_billed.items():
            line._write_workflow({"qty_not_invoiced": line.qty_not_invoiced + qty})
        for line in concessions:
            invoice_line = line._concession_origin_line()
            by_invoice[(line.rma_id, invoice_line.move_id)].append(
                line._prepare_concession_credit_line_vals(invoice_line)
            )
        # The credit note lines name the sale lines of the invoice lines: the
        # RMA lines that depend on them are found for all sale lines at once
        # rather than once per credit note while they are created.
        invoice_lines.sale_line_ids.sudo().fetch(["order_id", "rma_line_ids"])
        # Credit notes are drafts, whoever creates them: accounting posts.
        Move = self._rma_prepare_model("account.move")
        vals_by_company = defaultdict(list)
        for (rma, invoice), lines_vals in by_invoice.items():
            if invoice:
                vals = rma._prepare_credit_note_vals(invoice)
            else:
                vals = rma._prepare_concession_credit_note_vals()
            vals["invoice_line_ids"] = [fields.Command.create(v) for v in lines_vals]
            vals_by_company[invoice.company_id or rma.company_id].append(vals)
        moves = self.env["account.move"]
        for company, vals_list in vals_by_company.items():
            moves |= Move.with_company(company).create(vals_list)
        moves = moves.with_env(self.env)
        if never_billed:
            self._sync_state_from_stock()
        if not moves:
            return True
        if not moves.has_access("read"):
            for rma in self:
                notes = moves.sudo().filtered(lambda m, rma=rma: m.rma_id == rma)
                if notes:
                    rma.message_post(
                        body=_(
                            "Draft credit notes created, to be posted by accounting: %s",
                            ", ".join(notes.mapped("display_name")),
                        )
                    )
            return True
        return self._action_view_credit_notes(moves)

    def _lines_to_credit(self):
        """Credited lines with received quantity not yet on a credit note."""
        self.line_ids.flush_recordset()
        return self.line_ids.filtered(
            lambda x: (
                x._needs_credit_note()
                and float_compare(
                    x._qty_left_to_credit(),
                    0.0,
                    precision_rounding=x._qty_rounding(),
                )
                > 0
            )
        )

    def _concessions_to_credit(self):
        """Concession lines (complaint only) whose amount is on no credit note yet."""
        return self.line_ids.filtered(
            lambda x: x._is_concession() and not x._concession_credit_lines()
        )

    def _prepare_concession_credit_note_vals(self):
        """Credit note header of a concession when the goods' invoice is not
        known: the RMA's customer, not reconciled with any invoice."""
        self.ensure_one()
        return {
            "move_type": "out_refund",
            "partner_id": self.partner_id.commercial_partner_id.id,
            "currency_id": self.currency_id.id,
            "invoice_origin": self.name,
            "ref": _("%(rma)s concession", rma=self.name),
            "company_id": self.company_id.id,
            "rma_id": self.id,
        }

    def action_create_credit_note_batch(self):
        """Batch action of the RMA list: credit notes for every selected RMA
        that has something to credit; the others are skipped."""
        self._check_any_group([RMA_USER_GROUP, ACCOUNTING_GROUP], _("create RMA credit notes"))
        rmas = self.filtered(
            lambda r: (
                r.state in CREDIT_STATES and (r._lines_to_credit() or r._concessions_to_credit())
            )
        )
        if not rmas:
            raise UserError(_("None of the selected RMAs has anything left to credit."))
        return rmas.action_create_credit_note()

    def _action_open_credit_wizard(self, lines):
        """The invoice of some lines cannot be determined: the user picks
        the invoice lines (or states the goods were not invoiced)."""
        wizard = self.env["factory.rma.credit.wizard"].create(
            self.env["factory.rma.credit.wizard"]._prepare_wizard_vals(self, lines)
        )
        return self._rma_dialog_action(
            "factory.rma.credit.wizard", _("Choose the Invoices to Credit"), res_id=wizard.id
        )

    # ------------------------------------------------------------------
    # Refund payments
    # ------------------------------------------------------------------
    def _check_can_register_refund(self):
        self._check_group(ACCOUNTING_GROUP, _("register refund payments"))
        self._check_state(CREDIT_STATES, _("Registering a refund payment"))

    def action_register_refund_payment(self):
        """Pay the customer back: an outbound payment for what is left on
        each posted credit note (the invoice was already paid), on the
        journal and with the method of the invoice's original payment,
        reconciled with the credit note."""
        self._check_can_register_refund()
        self._lock_for_update()
        payments = self.env["account.payment"]
        for rma in self:
            notes = rma.credit_note_ids.filtered(
                lambda m: (
                    m.state == "posted"
                    and m.payment_state not in ("paid", "in_payment", "reversed")
                    and not m.currency_id.is_zero(m.amount_residual)
                )
            )
            if not notes:
                raise UserError(
                    _("%(rma)s has no posted credit note left to pay back.", rma=rma.name)
                )
            for note in notes:
                vals = rma._prepare_refund_payment_register_vals(note)
                wizard = (
                    self.env["account.payment.register"]
                    .with_context(active_model="account.move", active_ids=note.ids)
                    .create(vals)
                )
                new = wizard._create_payments()
                new.rma_id = rma
                payments |= new
        # accountants read RMAs without writing them: the refund is theirs
        self._write_workflow(
            {"refund_payment_requested": True, "refund_date": fields.Datetime.now()}
        )
        self._close_refund_escalations()
        entries = []
        for rma in self.sudo():
            paid = payments.filtered(lambda p, rma=rma: p.rma_id == rma)
            entries.append(
                {
                    "rma_id": rma.id,
                    "step": "refund",
                    "key": f"refund:{min(paid.ids)}",
                    "amount": sum(paid.mapped("amount")),
                    "currency_id": paid.currency_id[:1].id,
                    "detail": paid[:1].currency_id.format(sum(paid.mapped("amount"))),
                }
            )
        self._record_customer_steps(entries)
        return payments

    def _record_credit_notes(self, notes):
        """The customer hears of each posted credit note of its RMA."""
        self._record_customer_steps(
            [
                {
                    "rma_id": note.rma_id.id,
                    "step": "credit_note",
                    "key": f"credit_note:{note.id}",
                    "credit_note_id": note.id,
                    "amount": note.amount_total,
                    "currency_id": note.currency_id.id,
                    "detail": f"{note.name} {note.currency_id.format(note.amount_total)}",
                }
                for note in notes
            ]
        )

    def _prepare_refund_payment_register_vals(self, note):
        """Values of Odoo's payment wizard for the refund of ``note``: the
        original payment's journal and method, never a guess."""
        self.ensure_one()
        invoice = note.reversed_entry_id
        origin = invoice._get_reconciled_payments().sorted(lambda p: (p.date, p.id))[-1:]
        journal = origin.journal_id
        if not journal:
            journal = invoice._get_reconciled_statement_lines().journal_id[:1]
        if not journal:
            raise UserError(
                _(
                    "The original payment of %(invoice)s cannot be found: register the "
                    "refund from the credit note %(note)s with Odoo's payment button.",
                    invoice=invoice.display_name or "-",
                    note=note.display_name,
                )
            )
        vals = {"journal_id": journal.id, "amount": note.amount_residual}
        method = journal.outbound_payment_method_line_ids.filtered(
            lambda m: m.payment_method_id.code == origin.payment_method_line_id.code
        )[:1]
        if method:
            vals["payment_method_line_id"] = method.id
        return vals

    # ------------------------------------------------------------------
    # Refund SLA
    # ------------------------------------------------------------------
    @api.model
    def _rma_steps(self):
        """The refund step: the customer is refunded within the policy's
        working days after the goods are accepted (credited, and paid back
        when the customer asked for the money)."""
        return super()._rma_steps() + [
            {
                "code": "refund",
                "label": _("Refund"),
                "escalation": _("Refund overdue"),
                "deadline": "refund_deadline",
                "pending": [
                    "|",
                    "&",
                    ("state", "in", ("received", "judged", "processing")),
                    ("line_ids.qty_to_credit", ">", 0),
                    "&",
                    "&",
                    ("state", "in", CREDIT_STATES),
                    ("refund_payment_requested", "=", True),
                    ("credit_note_ids.payment_state", "in", ("not_paid", "partial")),
                ],
                "done": "refund_date",
            }
        ]

    def _close_refund_escalations(self):
        """Called after posting a credit note or paying back: record when
        the customer was refunded and close the refund escalation."""
        now = fields.Datetime.now()
        refunded = self.sudo().filtered(
            lambda r: (
                not r.refund_date
                and r.refund_state in ("credited", "reconciled", "paid")
                and not (r.refund_state == "credited" and r.refund_payment_requested)
            )
        )
        if refunded:
            refunded._write_workflow({"refund_date": now})
        settled = self.sudo().filtered(lambda r: not r._is_refund_overdue(now))
        if settled:
            settled._close_escalations(["refund"])

    # ------------------------------------------------------------------
    # Write-down of defective goods
    # ------------------------------------------------------------------
    def _check_can_write_down(self):
        self._check_any_group(
            [RMA_MANAGER_GROUP, ACCOUNTING_GROUP], _("write defective goods down")
        )
        self._check_state(("processing", "done"), _("Writing goods down"))

    def action_open_writedown_wizard(self):
        """Button: write the goods in RMA/Defective down to their realisable
        value (RMA Manager or accountant)."""
        self.ensure_one()
        self._check_can_write_down()
        Wizard = self.env["factory.rma.writedown.wizard"]
        wizard = Wizard.create(Wizard._prepare_wizard_vals(self))
        return self._rma_dialog_action(
            "factory.rma.writedown.wizard", _("Write Down Defective Goods"), res_id=wizard.id
        )

    def _prepare_credit_note_vals(self, invoice):
        """Red-ink credit note header copied from the invoice it reverses."""
        self.ensure_one()
        return {
            "move_type": "out_refund",
            "partner_id": invoice.partner_id.id,
            "currency_id": invoice.currency_id.id,
            "fiscal_position_id": invoice.fiscal_position_id.id,
            "journal_id": invoice.journal_id.id,
            "invoice_payment_term_id": False,
            "reversed_entry_id": invoice.id,
            "invoice_origin": self.name,
            "ref": _("%(rma)s, reversal of %(invoice)s", rma=self.name, invoice=invoice.name),
            "invoice_user_id": invoice.invoice_user_id.id,
            "team_id": invoice.team_id.id,
            "company_id": invoice.company_id.id,
            "rma_id": self.id,
        }

    def _action_view_credit_notes(self, moves=None):
        moves = moves if moves is not None else self.credit_note_ids
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type"
        )
        action["domain"] = [("id", "in", moves.ids)]
        if len(moves) == 1:
            action.update(views=[(False, "form")], res_id=moves.id)
        return action

    def action_view_credit_notes(self):
        self.ensure_one()
        return self._action_view_credit_notes()
