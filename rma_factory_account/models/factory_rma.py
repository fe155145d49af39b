from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

#: RMA states in which received goods can be credited.
CREDIT_STATES = ("received", "judged", "processing", "done")


class FactoryRma(models.Model):
    _inherit = "factory.rma"

    credit_note_ids = fields.One2many(
        "account.move",
        "rma_id",
        string="Credit Notes",
        readonly=True,
        domain=[("move_type", "=", "out_refund")],
    )
    charge_invoice_ids = fields.One2many(
        "account.move",
        "rma_id",
        string="Charge Invoices",
        readonly=True,
        domain=[("move_type", "=", "out_invoice")],
        help="Paid repair, dealer charge-back and freight invoices of the RMA.",
    )
    charge_invoice_count = fields.Integer(compute="_compute_credit_note_count", compute_sudo=True)
    freight_amount = fields.Monetary(
        "Freight Cost",
        currency_field="company_currency_id",
        tracking=True,
        help="Freight of the return; split between customer and company by the payer.",
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    freight_customer_percent = fields.Float(
        "Charged Freight Share (%)",
        compute="_compute_freight_customer_percent",
        store=True,
        readonly=False,
        help="Share of the freight invoiced to the customer (or the dealer): 100 when they "
        "pay it, 0 when the company does, the split share otherwise (e.g. 50 for a quality "
        "return shared half and half).",
    )
    freight_customer_amount = fields.Monetary(
        "Freight Charged", currency_field="company_currency_id", compute="_compute_freight"
    )
    freight_company_cost = fields.Monetary(
        "Freight Cost to Company",
        currency_field="company_currency_id",
        compute="_compute_freight",
        help="Share of the freight the company bears, recorded against the RMA.",
    )
    credit_note_count = fields.Integer(compute="_compute_credit_note_count", compute_sudo=True)
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
    )
    deposit_payment_id = fields.Many2one(
        "account.payment",
        "Deposit Payment",
        readonly=True,
        copy=False,
        help="Customer payment of the deposit, credited to the RMA customer deposits account.",
    )
    deposit_return_payment_id = fields.Many2one(
        "account.payment",
        "Deposit Paid Back",
        readonly=True,
        copy=False,
        help="Outbound payment that gave the deposit back.",
    )
    deposit_transfer_move_id = fields.Many2one(
        "account.move",
        "Deposit Applied",
        readonly=True,
        copy=False,
        help="Entry moving the deposit to the customer's receivable, against the invoice of "
        "the replacement.",
    )
    freight_cost_move_id = fields.Many2one(
        "account.move",
        "Freight Cost Entry",
        readonly=True,
        copy=False,
        help="Entry of the company's share of the freight (Dr freight cost / Cr accrual).",
    )
    claim_state = fields.Selection(
        compute="_compute_claim_state", store=True, readonly=True, copy=False
    )
    spare_part_charge_due = fields.Boolean(
        "Unreturned Part to Charge",
        compute="_compute_spare_part_charge_due",
        help="The return deadline of the spare-part RMA has passed and a defective part has "
        "not come back.",
    )
    refund_payment_requested = fields.Boolean(
        "Pay Back",
        tracking=True,
        copy=False,
        help="The customer wants the money back (refund payment on the original payment's "
        "journal) instead of keeping the credit.",
    )
    refund_payment_ids = fields.One2many(
        "account.payment", "rma_id", string="Refund Payments", readonly=True
    )
    refund_deadline = fields.Datetime(
        compute="_compute_refund_deadline",
        store=True,
        help="Refund due date: the goods' acceptance (judgement) plus the policy's refund "
        "working days on the company calendar.",
    )
    refund_overdue = fields.Boolean(compute="_compute_refund_overdue", compute_sudo=True)
    refund_date = fields.Datetime(
        "Refunded On",
        readonly=True,
        copy=False,
        help="When the customer was refunded: the credit note posted (kept as credit or "
        "reconciled with the invoice) or the refund payment registered.",
    )
    refund_on_time = fields.Boolean(
        "Refund On Time",
        compute="_compute_refund_on_time",
        help="Refunded no later than the refund deadline.",
    )

    @api.depends("credit_note_ids", "charge_invoice_ids")
    def _compute_credit_note_count(self):
        for rma in self:
            rma.credit_note_count = len(rma.credit_note_ids)
            rma.charge_invoice_count = len(rma.charge_invoice_ids)

    def _freight_percent_depends(self):
        return [name for name in ("freight_payer", "freight_split_percent") if name in self._fields]

    @api.depends(lambda self: self._freight_percent_depends())
    def _compute_freight_customer_percent(self):
        """From the core's freight payer: customer or dealer 100, company or
        carrier 0, split the core's customer share."""
        for rma in self:
            payer = rma.freight_payer
            if payer in ("customer", "dealer"):
                rma.freight_customer_percent = 100.0
            elif payer == "split" and "freight_split_percent" in rma._fields:
                rma.freight_customer_percent = rma.freight_split_percent
            else:
                rma.freight_customer_percent = 0.0

    @api.constrains("freight_amount", "freight_customer_percent")
    def _check_freight(self):
        for rma in self:
            if rma.freight_amount < 0:
                raise ValidationError(_("The freight of %s cannot be negative.", rma.name))
            if not 0.0 <= rma.freight_customer_percent <= 100.0:
                raise ValidationError(
                    _("The charged freight share of %s must be between 0 and 100%%.", rma.name)
                )

    @api.depends("freight_amount", "freight_customer_percent")
    def _compute_freight(self):
        for rma in self:
            currency = rma.company_id.currency_id
            share = currency.round(rma.freight_amount * rma.freight_customer_percent / 100.0)
            rma.freight_customer_amount = share
            rma.freight_company_cost = rma.freight_amount - share

    @api.depends(
        "line_ids.qty_to_credit",
        "line_ids.credit_not_invoiced",
        "line_ids.concession_amount",
        "line_ids.decided_outcome",
        "line_ids.credit_line_ids.parent_state",
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

    @api.depends("date_judged", "policy_id.refund_working_days", "line_ids.decided_outcome")
    def _compute_refund_deadline(self):
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
        now = fields.Datetime.now()
        for rma in self:
            rma.refund_overdue = rma._is_refund_overdue(now)

    def _is_refund_overdue(self, now):
        """Past the refund deadline while the goods are not credited yet, or
        while a requested refund payment is not made. A customer keeping the
        credit is never overdue."""
        self.ensure_one()
        if not self.refund_deadline or self.refund_deadline >= now:
            return False
        return self.refund_state == "to_credit" or (
            self.refund_state == "credited" and self.refund_payment_requested
        )

    def _is_rma_or_invoicing_user(self):
        """RMA users and accountants (without RMA rights) prepare credit
        notes and charges."""
        return (
            self.env.su
            or self.env.user.has_group("rma_factory.group_rma_user")
            or self.env.user.has_group("account.group_account_invoice")
        )

    def _is_rma_manager_or_invoicing_user(self):
        """RMA Managers and accountants post the charges and costs that
        need a decision (claims, unreturned parts, freight costs)."""
        return (
            self.env.su
            or self.env.user.has_group("rma_factory.group_rma_manager")
            or self.env.user.has_group("account.group_account_invoice")
        )

    def _check_can_create_credit_note(self):
        self._check_state(CREDIT_STATES, _("Crediting"))
        if not self._is_rma_or_invoicing_user():
            raise AccessError(_("Only RMA users and accountants can create RMA credit notes."))

    def action_create_credit_note(self):
        """One red-ink credit note per RMA and original invoice for the
        received, accepted quantity of refund and return-only lines. A
        second click creates nothing while the first note exists."""
        self._lock_for_update()
        self._check_can_create_credit_note()
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
        for line in lines:
            invoice_lines |= line._origin_invoice_lines()
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
            line.sudo().qty_not_invoiced += qty
        for line in concessions:
            invoice_line = line._concession_origin_line()
            by_invoice[(line.rma_id, invoice_line.move_id)].append(
                line._prepare_concession_credit_line_vals(invoice_line)
            )
        Move = self.env["account.move"]
        if not Move.has_access("create"):
            # RMA users without accounting rights prepare the draft (rights
            # checked above); only accountants can post it.
            Move = Move.sudo()
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
            self.message_post(
                body=_(
                    "Draft credit notes created, to be posted by accounting: %s",
                    ", ".join(moves.sudo().mapped("display_name")),
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
            "currency_id": self.company_id.currency_id.id,
            "invoice_origin": self.name,
            "ref": _("%(rma)s concession", rma=self.name),
            "company_id": self.company_id.id,
            "rma_id": self.id,
        }

    def action_create_credit_note_batch(self):
        """Batch action of the RMA list: credit notes for every selected RMA
        that has something to credit; the others are skipped."""
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
        return {
            "type": "ir.actions.act_window",
            "name": _("Choose the Invoices to Credit"),
            "res_model": "factory.rma.credit.wizard",
            "res_id": wizard.id,
            "views": [(False, "form")],
            "target": "new",
        }

    # ------------------------------------------------------------------
    # Refund payments
    # ------------------------------------------------------------------
    def _check_can_register_refund(self):
        if not (self.env.su or self.env.user.has_group("account.group_account_invoice")):
            raise AccessError(_("Only accountants can register refund payments."))
        self._check_state(CREDIT_STATES, _("Registering a refund payment"))

    def action_register_refund_payment(self):
        """Pay the customer back: an outbound payment for what is left on
        each posted credit note (the invoice was already paid), on the
        journal and with the method of the invoice's original payment,
        reconciled with the credit note."""
        self._lock_for_update()
        self._check_can_register_refund()
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
        self.sudo().write({"refund_payment_requested": True, "refund_date": fields.Datetime.now()})
        self._close_refund_escalations()
        self.sudo()._notify_customer("rma_factory_account.mail_template_rma_refund_done")
        return payments

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
    def _overdue_domain(self):
        """Also overdue: refunds past their deadline while goods are still
        to credit, or while a requested refund payment is not made."""
        now = fields.Datetime.now()
        refund = [
            "&",
            ("refund_deadline", "<", now),
            "|",
            "&",
            ("state", "in", ("received", "judged", "processing")),
            ("line_ids.qty_to_credit", ">", 0),
            "&",
            "&",
            ("state", "in", CREDIT_STATES),
            ("refund_payment_requested", "=", True),
            ("credit_note_ids.payment_state", "in", ("not_paid", "partial")),
        ]
        return ["|", *super()._overdue_domain(), *refund]

    def _overdue_steps(self, now):
        """Escalation step "refund" (called by the core's escalation cron)."""
        steps = super()._overdue_steps(now)
        if self._is_refund_overdue(now):
            steps.append("refund")
        return steps

    def _escalation_step_labels(self):
        labels = super()._escalation_step_labels()
        labels["refund"] = _("Refund overdue")
        return labels

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
            refunded.refund_date = now
        settled = self.sudo().filtered(lambda r: not r._is_refund_overdue(now))
        if settled:
            settled._close_escalations(["refund"])

    # ------------------------------------------------------------------
    # Charges: paid repair, dealer charge-back, freight
    # ------------------------------------------------------------------
    def _check_can_charge(self):
        self._check_state(CREDIT_STATES, _("Charging"))
        if not self._is_rma_or_invoicing_user():
            raise AccessError(_("Only RMA users and accountants can create RMA charges."))

    def action_create_repair_quotation(self):
        """Paid repair (帮修品): Odoo's repair quotation for the charged
        repairs the customer agreed to; its invoice is linked to the RMA."""
        self._check_can_charge()
        repairs = self.line_ids.filtered(
            lambda x: x.service_charge == "charged" and x.customer_agreed
        ).repair_ids.filtered(lambda r: r.state != "cancel" and not r.sale_order_id)
        if not repairs:
            raise UserError(
                _("No charged repair agreed by the customer is waiting for a quotation.")
            )
        repairs = repairs.sudo()
        for repair in repairs:
            repair.action_create_sale_order()
            repair.sale_order_id.origin = repair.rma_id.name
        orders = repairs.sale_order_id.with_env(self.env)
        if len(orders) == 1 and orders.has_access("read"):
            return {
                "type": "ir.actions.act_window",
                "res_model": "sale.order",
                "res_id": orders.id,
                "views": [(False, "form")],
            }
        return orders

    def _charge_product(self, charge_type):
        """Service product of a charge line (hook)."""
        xmlid = {
            "dealer": "rma_factory_account.product_rma_charge",
            "freight": "rma_factory_account.product_rma_freight",
        }[charge_type]
        return self.env.ref(xmlid)

    def _charged_lines(self, charge_type):
        """Non-cancelled charge invoice lines of this RMA of a kind."""
        return self.env["account.move.line"].search(
            [
                ("move_id.rma_id", "=", self.id),
                ("move_id.move_type", "=", "out_invoice"),
                ("parent_state", "!=", "cancel"),
                ("rma_charge_type", "=", charge_type),
            ]
        )

    def _prepare_charge_lines_vals(self):
        """{partner: [invoice line vals]} still to charge: the dealer's
        replacements after replenish-first when the dealer is responsible,
        and the customer's share of the freight."""
        self.ensure_one()
        by_partner = defaultdict(list)
        charged = defaultdict(float)
        for aml in self._charged_lines("dealer"):
            charged[aml.rma_line_id.id] += aml.quantity
        dealer_partner = self.partner_id.commercial_partner_id
        if self.replenish_first:
            for line in self.line_ids.filtered(lambda x: x.responsibility == "dealer"):
                qty = line.qty_replaced - charged[line.id]
                if float_compare(qty, 0.0, precision_rounding=line._qty_rounding()) <= 0:
                    continue
                partner = line.responsible_partner_id or dealer_partner
                dealer_partner = partner
                by_partner[partner].append(line._prepare_dealer_charge_line_vals(qty))
        currency = self.company_id.currency_id
        if not currency.is_zero(self.freight_customer_amount) and not self._charged_lines(
            "freight"
        ):
            by_partner[dealer_partner].append(self._prepare_freight_charge_line_vals())
        return by_partner

    def _prepare_freight_charge_line_vals(self):
        self.ensure_one()
        product = self._charge_product("freight")
        return {
            "product_id": product.id,
            "name": _("%(rma)s: freight of the return", rma=self.name),
            "quantity": 1.0,
            "price_unit": self.freight_customer_amount,
            "rma_charge_type": "freight",
        }

    def _prepare_charge_invoice_vals(self, partner):
        self.ensure_one()
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_origin": self.name,
            "ref": _("%(rma)s charges", rma=self.name),
            "company_id": self.company_id.id,
            "currency_id": self.company_id.currency_id.id,
            "rma_id": self.id,
        }

    def action_create_charge_invoice(self):
        """Dealer charge-back (在其帐上扣除相应金额) and customer freight:
        one customer invoice per RMA and payer for what is not charged yet.
        A second click creates nothing."""
        self._lock_for_update()
        self._check_can_charge()
        Move = self.env["account.move"]
        if not Move.has_access("create"):
            Move = Move.sudo()
        moves = self.env["account.move"]
        for rma in self:
            for partner, lines_vals in rma._prepare_charge_lines_vals().items():
                vals = rma._prepare_charge_invoice_vals(partner)
                vals["invoice_line_ids"] = [fields.Command.create(v) for v in lines_vals]
                moves |= Move.with_company(rma.company_id).create(vals)
        if not moves:
            raise UserError(_("Nothing to charge: every charge is already invoiced."))
        moves = moves.with_env(self.env)
        if not moves.has_access("read"):
            return True
        return moves._rma_action_view("account.action_move_out_invoice_type")

    def action_view_charge_invoices(self):
        self.ensure_one()
        return self.charge_invoice_ids._rma_action_view("account.action_move_out_invoice_type")

    # ------------------------------------------------------------------
    # Write-down of defective goods
    # ------------------------------------------------------------------
    def action_open_writedown_wizard(self):
        """Button: write the goods in RMA/Defective down to their realisable
        value (RMA Manager or accountant)."""
        self.ensure_one()
        Wizard = self.env["factory.rma.writedown.wizard"]
        Wizard._check_can_write_down()
        wizard = Wizard.create(Wizard._prepare_wizard_vals(self))
        return {
            "type": "ir.actions.act_window",
            "name": _("Write Down Defective Goods"),
            "res_model": "factory.rma.writedown.wizard",
            "res_id": wizard.id,
            "views": [(False, "form")],
            "target": "new",
        }

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

    # ------------------------------------------------------------------
    # Advance replacement against a deposit (先发新货,再退回, 押金)
    # ------------------------------------------------------------------
    def _deposit_accounting(self):
        """(liability account, payment journal) of the deposit; a clear
        error before anything is written when one is missing."""
        self.ensure_one()
        company = self.company_id
        account = company.rma_deposit_account_id
        if not account:
            raise UserError(
                _(
                    "Set the RMA customer deposits account of %(company)s in the accounting "
                    "settings first.",
                    company=company.name,
                )
            )
        journal = company.rma_deposit_journal_id or self.env["account.journal"].sudo().search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "bank")],
            limit=1,
        )
        if not journal:
            raise UserError(
                _("%(company)s has no bank journal to receive the deposit.", company=company.name)
            )
        return account, journal

    def _prepare_approval_vals(self, now):
        """Called by the core's final approval: freeze the deposit at its
        computed value before ``deposit_state`` is set, because the core's
        compute assigns nothing once the deposit has a state and a pending
        recomputation would then store 0."""
        vals = super()._prepare_approval_vals(now)
        if vals.get("deposit_state"):
            vals["deposit_amount"] = self.deposit_amount
        return vals

    def _check_deposit_amount(self):
        for rma in self:
            if rma.company_id.currency_id.compare_amounts(rma.deposit_amount, 0.0) <= 0:
                raise UserError(_("The deposit of %s must be positive.", rma.name))

    def _prepare_deposit_payment_vals(self, payment_type):
        """Inbound (deposit received) or outbound (deposit paid back)
        customer payment whose counterpart is the deposits liability."""
        self.ensure_one()
        account, journal = self._deposit_accounting()
        received = payment_type == "inbound"
        return {
            "payment_type": payment_type,
            "partner_type": "customer",
            "partner_id": self.partner_id.commercial_partner_id.id,
            "amount": self.deposit_amount,
            "currency_id": self.company_id.currency_id.id,
            "journal_id": (self.deposit_payment_id.journal_id or journal).id,
            "company_id": self.company_id.id,
            "destination_account_id": account.id,
            "date": fields.Date.context_today(self),
            "memo": _("%(rma)s: deposit received", rma=self.name)
            if received
            else _("%(rma)s: deposit paid back", rma=self.name),
        }

    def _create_deposit_payment(self, payment_type):
        """Posted deposit payment (sudo: RMA Managers record deposits without
        accounting rights, the core checked theirs)."""
        self.ensure_one()
        payment = (
            self.env["account.payment"]
            .sudo()
            .with_company(self.company_id)
            .create(self._prepare_deposit_payment_vals(payment_type))
        )
        payment.action_post()
        if not payment.move_id:
            raise UserError(
                _(
                    "The journal %(journal)s has no outstanding account: the deposit of %(rma)s "
                    "cannot be posted.",
                    journal=payment.journal_id.display_name,
                    rma=self.name,
                )
            )
        return payment

    def _deposit_lines(self, moves):
        """Unreconciled deposits-liability journal items of ``moves``."""
        account = self.company_id.rma_deposit_account_id
        return moves.sudo().line_ids.filtered(
            lambda x: x.account_id == account and not x.reconciled
        )

    def action_deposit_received(self):
        """Called by the deposit button: after the core's checks and the
        replacement delivery, post the customer's deposit as an inbound
        payment credited to the deposits liability."""
        for rma in self:
            rma._deposit_accounting()
        self._check_deposit_amount()
        res = super().action_deposit_received()
        for rma in self.sudo():
            rma.deposit_payment_id = rma._create_deposit_payment("inbound")
        return res

    def action_release_deposit(self):
        """Called by the release button once every line came back (checked
        by the core): pay the deposit back on the same journal and clear
        the liability."""
        for rma in self:
            rma._deposit_accounting()
        res = super().action_release_deposit()
        for rma in self.sudo():
            if not rma.deposit_payment_id:
                continue
            payment = rma._create_deposit_payment("outbound")
            rma.deposit_return_payment_id = payment
            rma._deposit_lines(rma.deposit_payment_id.move_id | payment.move_id).reconcile()
        return res

    def action_apply_deposit(self):
        """Called by the apply button: the deposit pays for the replacement.
        Invoice the replaced quantity at its original price, move the
        deposit to the customer's receivable and reconcile it with that
        invoice (what is left is invoice minus deposit, or customer credit)."""
        for rma in self:
            rma._deposit_accounting()
        res = super().action_apply_deposit()
        for rma in self.sudo():
            if not rma.deposit_payment_id:
                continue
            invoice = rma._create_deposit_invoice()
            move = self.env["account.move"].sudo().create(rma._prepare_deposit_transfer_vals())
            move.action_post()
            rma.deposit_transfer_move_id = move
            rma._deposit_lines(rma.deposit_payment_id.move_id | move).reconcile()
            receivable = (invoice | move).line_ids.filtered(
                lambda x: x.account_id.account_type == "asset_receivable" and not x.reconciled
            )
            if len(receivable.account_id) == 1:
                receivable.reconcile()
        return res

    def _create_deposit_invoice(self):
        """Posted customer invoice of the replaced quantity, linked to the RMA."""
        self.ensure_one()
        lines_vals = [
            line._prepare_deposit_invoice_line_vals()
            for line in self.line_ids.filtered(lambda x: not x.is_third_party and x.quantity)
        ]
        if not lines_vals:
            raise UserError(_("%s has nothing to invoice against the deposit.", self.name))
        vals = self._prepare_charge_invoice_vals(self.partner_id.commercial_partner_id)
        vals["ref"] = _("%(rma)s: replacement paid by the deposit", rma=self.name)
        vals["invoice_line_ids"] = [fields.Command.create(v) for v in lines_vals]
        invoice = self.env["account.move"].sudo().with_company(self.company_id).create(vals)
        invoice.action_post()
        return invoice

    def _prepare_deposit_transfer_vals(self):
        """Dr deposits liability / Cr customer receivable for the deposit."""
        self.ensure_one()
        account, _journal = self._deposit_accounting()
        partner = self.partner_id.commercial_partner_id
        receivable = partner.with_company(self.company_id).property_account_receivable_id
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.company_id),
                ("type", "=", "general"),
            ],
            limit=1,
        )
        label = _("%(rma)s: deposit applied to the replacement", rma=self.name)
        common = {"name": label, "partner_id": partner.id}
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "company_id": self.company_id.id,
            "date": fields.Date.context_today(self),
            "ref": label,
            "rma_id": self.id,
            "line_ids": [
                fields.Command.create(
                    dict(common, account_id=account.id, balance=self.deposit_amount)
                ),
                fields.Command.create(
                    dict(common, account_id=receivable.id, balance=-self.deposit_amount)
                ),
            ],
        }

    # ------------------------------------------------------------------
    # Carrier claim (shortage / carrier damage)
    # ------------------------------------------------------------------
    @api.depends("charge_invoice_ids.payment_state", "charge_invoice_ids.state")
    def _compute_claim_state(self):
        """The claim is paid once its invoice to the carrier is paid; other
        states are set by hand or by the core and kept."""
        for rma in self:
            invoices = rma._claim_invoices().filtered(lambda m: m.state == "posted")
            if (
                rma.claim_state == "accepted"
                and invoices
                and all(m.payment_state in ("paid", "in_payment") for m in invoices)
            ):
                rma.claim_state = "paid"
            else:
                rma.claim_state = rma.claim_state

    def _claim_invoices(self):
        self.ensure_one()
        return self.charge_invoice_ids.filtered(
            lambda m: (
                m.state != "cancel"
                and any(x.rma_charge_type == "claim" for x in m.invoice_line_ids)
            )
        )

    def _check_can_invoice_claim(self):
        if not self._is_rma_manager_or_invoicing_user():
            raise AccessError(_("Only RMA Managers and accountants can invoice a carrier claim."))
        for rma in self:
            if rma.rma_type != "shortage" or rma.claim_state != "accepted":
                raise UserError(_("The carrier has not accepted a claim on %(rma)s.", rma=rma.name))
            if not rma.carrier_id:
                raise UserError(_("Set the carrier of %(rma)s first.", rma=rma.name))
            if rma.company_id.currency_id.compare_amounts(rma.claim_amount, 0.0) <= 0:
                raise UserError(_("The claim amount of %(rma)s must be positive.", rma=rma.name))
            if rma._claim_invoices():
                raise UserError(
                    _("The carrier claim of %(rma)s is already invoiced.", rma=rma.name)
                )

    def _prepare_claim_invoice_vals(self):
        """Customer invoice to the carrier for the accepted claim."""
        self.ensure_one()
        vals = self._prepare_charge_invoice_vals(self.carrier_id.commercial_partner_id)
        vals["ref"] = _(
            "%(rma)s: carrier claim %(reference)s",
            rma=self.name,
            reference=self.claim_reference or "",
        ).strip()
        vals["invoice_line_ids"] = [
            fields.Command.create(
                {
                    "product_id": self.env.ref("rma_factory_account.product_rma_carrier_claim").id,
                    "name": _("%(rma)s: carrier claim (shortage / damage)", rma=self.name),
                    "quantity": 1.0,
                    "price_unit": self.claim_amount,
                    "tax_ids": [fields.Command.clear()],
                    "rma_charge_type": "claim",
                }
            )
        ]
        return vals

    def action_invoice_carrier_claim(self):
        """Button "Invoice Carrier Claim": once the carrier accepted the
        claim, invoice it the claim amount (posted); the claim becomes paid
        with the invoice."""
        self._lock_for_update()
        self._check_can_invoice_claim()
        moves = self.env["account.move"]
        for rma in self:
            moves |= (
                self.env["account.move"]
                .sudo()
                .with_company(rma.company_id)
                .create(rma._prepare_claim_invoice_vals())
            )
        moves.sudo().action_post()
        moves = moves.with_env(self.env)
        if not moves.has_access("read"):
            return True
        return moves._rma_action_view("account.action_move_out_invoice_type")

    # ------------------------------------------------------------------
    # Spare part not returned
    # ------------------------------------------------------------------
    @api.depends_context("uid")
    def _compute_spare_part_charge_due(self):
        now = fields.Datetime.now()
        for rma in self:
            rma.spare_part_charge_due = bool(rma._unreturned_spare_lines(now))

    def _unreturned_spare_lines(self, now):
        """Lines of a spare-part RMA past its return deadline whose defective
        part has not fully come back and is not charged yet."""
        self.ensure_one()
        if (
            self.rma_type != "spare_part"
            or not self.policy_id.charge_unreturned_spare_parts
            or not self.return_deadline
            or self.return_deadline >= now
            or self.state in ("draft", "cancelled", "rejected")
        ):
            return self.env["factory.rma.line"]
        return self.line_ids.filtered(lambda x: x._qty_spare_to_charge() > 0)

    def _check_can_charge_unreturned_part(self, now):
        if not self._is_rma_manager_or_invoicing_user():
            raise AccessError(
                _("Only RMA Managers and accountants can charge an unreturned spare part.")
            )
        for rma in self:
            if rma.rma_type != "spare_part":
                raise UserError(_("%(rma)s is not a spare-part RMA.", rma=rma.name))
            if not rma.policy_id.charge_unreturned_spare_parts:
                raise UserError(
                    _("The policy of %(rma)s does not charge unreturned spare parts.", rma=rma.name)
                )
            if not rma.return_deadline or rma.return_deadline >= now:
                raise UserError(
                    _(
                        "The defective part of %(rma)s may still come back until %(deadline)s.",
                        rma=rma.name,
                        deadline=rma.return_deadline or "-",
                    )
                )
            if not rma._unreturned_spare_lines(now):
                raise UserError(
                    _("Every defective part of %(rma)s came back or is charged.", rma=rma.name)
                )

    def action_charge_unreturned_part(self):
        """Button "Charge Unreturned Part": past the return deadline, invoice
        the spare parts whose defective part did not come back and cancel
        their open receipt so that the RMA can finish."""
        self._lock_for_update()
        now = fields.Datetime.now()
        self._check_can_charge_unreturned_part(now)
        moves = self.env["account.move"]
        for rma in self:
            lines = rma._unreturned_spare_lines(now)
            vals = rma._prepare_charge_invoice_vals(rma.partner_id.commercial_partner_id)
            vals["ref"] = _("%(rma)s: spare part not returned", rma=rma.name)
            vals["invoice_line_ids"] = [
                fields.Command.create(line._prepare_spare_part_charge_line_vals()) for line in lines
            ]
            moves |= self.env["account.move"].sudo().with_company(rma.company_id).create(vals)
            lines._cancel_open_receipts()
        moves.sudo().action_post()
        self._finish_charged_spare_parts()
        self._sync_state_from_stock()
        moves = moves.with_env(self.env)
        if not moves.has_access("read"):
            return True
        return moves._rma_action_view("account.action_move_out_invoice_type")

    def _finish_charged_spare_parts(self):
        """After the charge: an RMA still waiting for parts none of which
        came back, whose spare parts are delivered and whose receipts are
        cancelled, has nothing left to do and is done; the overdue return
        escalation closes."""
        rmas = self.sudo()
        rmas._close_escalations(["return"])
        finished = rmas.filtered(
            lambda r: (
                r.state == "approved"
                and not any(r.line_ids.mapped("qty_received"))
                and all(
                    m.state in ("done", "cancel")
                    for m in r.line_ids.move_ids
                    if m.rma_move_kind in ("receipt", "replacement")
                )
            )
        )
        if finished:
            finished._action_done()

    # ------------------------------------------------------------------
    # Company share of the freight
    # ------------------------------------------------------------------
    def _freight_cost_accounts(self):
        """(expense, accrual, journal) of the company's freight cost."""
        self.ensure_one()
        company = self.company_id
        expense = company.rma_freight_cost_account_id
        accrual = company.rma_freight_accrual_account_id
        if not expense or not accrual:
            raise UserError(
                _(
                    "Set the RMA freight cost and freight accrual accounts of %(company)s in "
                    "the accounting settings first.",
                    company=company.name,
                )
            )
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(company),
                ("type", "=", "general"),
            ],
            limit=1,
        )
        return expense, accrual, journal

    def _check_can_post_freight_cost(self):
        if not self._is_rma_manager_or_invoicing_user():
            raise AccessError(_("Only RMA Managers and accountants can post freight costs."))
        for rma in self:
            if rma.state in ("draft", "submitted", "rejected", "cancelled"):
                raise UserError(_("%(rma)s is not approved.", rma=rma.name))
            if rma.company_id.currency_id.compare_amounts(rma.freight_company_cost, 0.0) <= 0:
                raise UserError(_("The company bears no freight on %(rma)s.", rma=rma.name))
            if rma.freight_cost_move_id.state in ("draft", "posted"):
                raise UserError(_("The freight cost of %(rma)s is already posted.", rma=rma.name))
            rma._freight_cost_accounts()

    def _prepare_freight_cost_move_vals(self):
        """Dr freight cost / Cr freight accrual for the company's share."""
        self.ensure_one()
        expense, accrual, journal = self._freight_cost_accounts()
        amount = self.freight_company_cost
        label = _("%(rma)s: company share of the return freight", rma=self.name)
        common = {"name": label, "partner_id": (self.carrier_id or self.partner_id).id}
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "company_id": self.company_id.id,
            "date": fields.Date.context_today(self),
            "ref": label,
            "rma_id": self.id,
            "line_ids": [
                fields.Command.create(dict(common, account_id=expense.id, balance=amount)),
                fields.Command.create(dict(common, account_id=accrual.id, balance=-amount)),
            ],
        }

    def action_post_freight_cost(self):
        """Button "Post Freight Cost": record the freight the company bears
        (company payer, or its part of a split) against the RMA, once."""
        self._lock_for_update()
        self._check_can_post_freight_cost()
        moves = self.env["account.move"].sudo()
        for rma in self.sudo():
            move = moves.create(rma._prepare_freight_cost_move_vals())
            move.action_post()
            rma.freight_cost_move_id = move
            moves |= move
        return True
