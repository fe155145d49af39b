from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FactoryRma(models.Model):
    """Advance replacement against a deposit (先发新货,再退回, 押金): the
    customer's deposit is a payment credited to the deposits liability, in
    the RMA's currency. It is paid back from that payment — what it still
    holds, never an editable amount — or applied to the replacement's
    invoice. RMA Managers record the steps; the payments and entries are
    posted by accounting (drafts when the manager has no accounting
    rights), and are matched once posted."""

    _inherit = "factory.rma"

    deposit_payment_id = fields.Many2one(
        "account.payment",
        "Deposit Payment",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Customer payment of the deposit, credited to the RMA customer deposits account.",
    )
    deposit_return_payment_id = fields.Many2one(
        "account.payment",
        "Deposit Paid Back",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Outbound payment that gave the deposit back.",
    )
    deposit_transfer_move_id = fields.Many2one(
        "account.move",
        "Deposit Applied",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Entry moving the deposit to the customer's receivable, against the invoice of "
        "the replacement.",
    )

    def _workflow_fields(self):
        """The deposit's payments and entries are linked by its buttons."""
        return super()._workflow_fields() | {
            "deposit_payment_id",
            "deposit_return_payment_id",
            "deposit_transfer_move_id",
        }

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

    def _check_deposit_amount(self):
        for rma in self:
            if rma.currency_id.compare_amounts(rma.deposit_amount, 0.0) <= 0:
                raise UserError(_("The deposit of %s must be positive.", rma.name))

    # ------------------------------------------------------------------
    # What the deposit holds
    # ------------------------------------------------------------------
    def _deposit_held_lines(self):
        """Posted deposits-liability items of the deposit payment not yet
        matched with a release or an application."""
        self.ensure_one()
        account = self.company_id.rma_deposit_account_id
        return self.sudo().deposit_payment_id.move_id.line_ids.filtered(
            lambda x: x.parent_state == "posted" and x.account_id == account and not x.reconciled
        )

    def _deposit_held(self):
        """(amount in the payment's currency, company-currency value,
        currency) the deposit payment holds — what is paid back or applied:
        once accounting posted it, the residual of its liability item; while
        it waits in draft, its amount; nothing once it is cancelled."""
        self.ensure_one()
        payment = self.sudo().deposit_payment_id
        currency = payment.currency_id
        if payment.state == "draft":
            company = self.company_id
            balance = currency._convert(
                payment.amount, company.currency_id, company, fields.Date.context_today(self)
            )
            return payment.amount, balance, currency
        lines = self._deposit_held_lines()
        return (
            -sum(lines.mapped("amount_residual_currency")),
            -sum(lines.mapped("amount_residual")),
            currency,
        )

    def _deposit_held_positive(self):
        self.ensure_one()
        amount, _balance, currency = self._deposit_held()
        return currency.compare_amounts(amount, 0.0) > 0

    def _note_nothing_held(self):
        self.ensure_one()
        self.message_post(
            body=_(
                "The deposit payment %s holds nothing (cancelled, or already matched): "
                "nothing is paid back or applied.",
                self.sudo().deposit_payment_id.display_name,
            )
        )

    def _deposit_still_held(self):
        """RMAs whose received deposit is neither released nor applied."""
        return self.filtered(lambda r: r.deposit_state == "received")

    def _check_can_cancel(self):
        """A received deposit is released or applied first: a cancelled RMA
        never keeps the customer's money."""
        res = super()._check_can_cancel()
        held = self._deposit_still_held()
        if held:
            raise UserError(
                _(
                    "%s holds the customer's deposit: release it or apply it before "
                    "cancelling the RMA.",
                    held[0].name,
                )
            )
        return res

    def _check_can_reset(self):
        res = super()._check_can_reset()
        held = self._deposit_still_held()
        if held:
            raise UserError(
                _(
                    "%s holds the customer's deposit: release it or apply it before "
                    "resetting the RMA to draft.",
                    held[0].name,
                )
            )
        return res

    # ------------------------------------------------------------------
    # Payments and entries
    # ------------------------------------------------------------------
    def _prepare_deposit_payment_vals(self, payment_type, amount, currency):
        """Inbound (deposit received) or outbound (deposit paid back)
        customer payment whose counterpart is the deposits liability."""
        self.ensure_one()
        account, journal = self._deposit_accounting()
        received = payment_type == "inbound"
        return {
            "payment_type": payment_type,
            "partner_type": "customer",
            "partner_id": self.partner_id.commercial_partner_id.id,
            "amount": amount,
            "currency_id": currency.id,
            "journal_id": (self.sudo().deposit_payment_id.journal_id or journal).id,
            "company_id": self.company_id.id,
            "destination_account_id": account.id,
            "date": fields.Date.context_today(self),
            "memo": _("%(rma)s: deposit received", rma=self.name)
            if received
            else _("%(rma)s: deposit paid back", rma=self.name),
        }

    def _create_deposit_payment(self, payment_type, amount, currency, link_field, label):
        """Deposit payment linked to the RMA through ``link_field``, then
        posted when the caller has accounting rights (else a draft for
        accounting, see ``_rma_prepare_model``)."""
        self.ensure_one()
        Payment = self._rma_prepare_model("account.payment")
        payment = (
            Payment.with_company(self.company_id)
            .create(self._prepare_deposit_payment_vals(payment_type, amount, currency))
            .with_env(self.env)
        )
        self._write_workflow({link_field: payment.id})
        if self._rma_post_or_hand_over(payment, label) and not payment.sudo().move_id:
            raise UserError(
                _(
                    "The journal %(journal)s has no outstanding account: the deposit of %(rma)s "
                    "cannot be posted.",
                    journal=payment.sudo().journal_id.display_name,
                    rma=self.name,
                )
            )
        return payment

    def action_deposit_received(self):
        """Called by the deposit button: after the core's checks and the
        replacement delivery, the customer's deposit becomes an inbound
        payment of the deposit amount credited to the deposits liability."""
        for rma in self:
            rma._deposit_accounting()
        self._check_deposit_amount()
        res = super().action_deposit_received()
        for rma in self:
            rma._create_deposit_payment(
                "inbound",
                rma.deposit_amount,
                rma.currency_id,
                "deposit_payment_id",
                _("Deposit payment"),
            )
        return res

    def action_release_deposit(self):
        """Called by the release button once every line came back (checked
        by the core): pay back what the deposit payment holds (see
        ``_deposit_held``), on its journal and in its currency; the
        liability is matched once both payments are posted."""
        for rma in self:
            rma._deposit_accounting()
        res = super().action_release_deposit()
        for rma in self:
            if not rma.sudo().deposit_payment_id:
                continue
            if not rma._deposit_held_positive():
                rma._note_nothing_held()
                continue
            amount, _balance, currency = rma._deposit_held()
            rma._create_deposit_payment(
                "outbound",
                amount,
                currency,
                "deposit_return_payment_id",
                _("Deposit payment back"),
            )
        return res

    def action_apply_deposit(self):
        """Called by the apply button: the deposit pays for the replacement.
        Invoice the replaced quantity at its original price and move what
        the deposit holds to the customer's receivable; once posted, they
        are matched (what is left is invoice minus deposit, or customer
        credit)."""
        for rma in self:
            rma._deposit_accounting()
        res = super().action_apply_deposit()
        Move = self._rma_prepare_model("account.move")
        for rma in self:
            if not rma.sudo().deposit_payment_id:
                continue
            invoice = rma._create_deposit_invoice()
            transfer = Move.browse()
            if rma._deposit_held_positive():
                transfer = Move.with_company(rma.company_id).create(
                    rma._prepare_deposit_transfer_vals()
                )
                rma._write_workflow({"deposit_transfer_move_id": transfer.id})
            else:
                rma._note_nothing_held()
            rma._rma_post_or_hand_over(
                (invoice | transfer).with_env(self.env), _("Deposit applied to the replacement")
            )
        return res

    def _create_deposit_invoice(self):
        """Draft customer invoice of the replaced quantity, linked to the RMA."""
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
        Move = self._rma_prepare_model("account.move")
        return Move.with_company(self.company_id).create(vals)

    def _prepare_deposit_transfer_vals(self):
        """Dr deposits liability / Cr customer receivable for what the
        deposit payment holds, in its currency and at its company-currency
        value, so that the liability is cleared exactly."""
        self.ensure_one()
        account, _journal = self._deposit_accounting()
        amount, balance, currency = self._deposit_held()
        partner = self.partner_id.commercial_partner_id
        receivable = partner.with_company(self.company_id).property_account_receivable_id
        journal = (
            self.env["account.journal"]
            .sudo()
            .search(
                [
                    *self.env["account.journal"]._check_company_domain(self.company_id),
                    ("type", "=", "general"),
                ],
                limit=1,
            )
        )
        label = _("%(rma)s: deposit applied to the replacement", rma=self.name)
        common = {"name": label, "partner_id": partner.id, "currency_id": currency.id}
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "company_id": self.company_id.id,
            "currency_id": currency.id,
            "date": fields.Date.context_today(self),
            "ref": label,
            "rma_id": self.id,
            "line_ids": [
                fields.Command.create(
                    dict(common, account_id=account.id, balance=balance, amount_currency=amount)
                ),
                fields.Command.create(
                    dict(
                        common,
                        account_id=receivable.id,
                        balance=-balance,
                        amount_currency=-amount,
                    )
                ),
            ],
        }

    # ------------------------------------------------------------------
    # Matching, once accounting has posted
    # ------------------------------------------------------------------
    def _deposit_invoices(self):
        self.ensure_one()
        return self.charge_invoice_ids.filtered(
            lambda m: any(x.rma_charge_type == "deposit" for x in m.invoice_line_ids)
        )

    def _reconcile_deposit(self, env):
        """Match the posted deposit documents, as ``env`` (the accountant
        who posted them): the liability items of the deposit payment with
        those of the payment back or of the transfer, and the transfer's
        receivable with the replacement's invoice."""
        for rma in self.sudo():
            account = rma.company_id.rma_deposit_account_id
            moves = (
                rma.deposit_payment_id.move_id
                | rma.deposit_return_payment_id.move_id
                | rma.deposit_transfer_move_id
            ).filtered(lambda m: m.state == "posted")
            liability = moves.line_ids.filtered(
                lambda x, account=account: x.account_id == account and not x.reconciled
            )
            if any(x.balance > 0 for x in liability) and any(x.balance < 0 for x in liability):
                liability.with_env(env).reconcile()
            transfer = rma.deposit_transfer_move_id
            invoices = rma._deposit_invoices().filtered(lambda m: m.state == "posted")
            if transfer.state != "posted" or not invoices:
                continue
            receivable = (transfer | invoices).line_ids.filtered(
                lambda x: x.account_id.account_type == "asset_receivable" and not x.reconciled
            )
            if len(receivable.account_id) == 1 and len(receivable.move_id) > 1:
                receivable.with_env(env).reconcile()

    @api.model
    def _reconcile_deposits_of(self, moves):
        """Called when ``moves`` are posted (only accounting posts): match
        the deposits whose documents they are."""
        found = moves.sudo()
        rmas = found.rma_id.filtered(lambda r: r.rma_type == "advance_replacement")
        payments = found.origin_payment_id
        if payments:
            rmas |= rmas.search(
                [
                    "|",
                    ("deposit_payment_id", "in", payments.ids),
                    ("deposit_return_payment_id", "in", payments.ids),
                ]
            )
        rmas._reconcile_deposit(moves.env)
