from odoo import _, fields, models
from odoo.exceptions import UserError


class FactoryRma(models.Model):
    """Advance replacement against a deposit (先发新货,再退回, 押金): the
    customer's deposit payment, its release and its application to the
    replacement's invoice."""

    _inherit = "factory.rma"

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
