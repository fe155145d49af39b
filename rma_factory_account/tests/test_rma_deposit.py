from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaDeposit(RmaAccountCommon):
    """Advance replacement against a deposit (先发新货,再退回, 押金): 3 × C-20
    at 15 → deposit 45 credited to the customer deposits liability. The RMA
    Manager records the steps; only accounting posts and pays."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deposit_account = cls.company.rma_deposit_account_id

    def _deposit_rma(self, partner=None, price=None):
        order = self._deliver(partner or self.dealer_b, [(self.connector, 3, None)])
        if price is not None:
            order.order_line.price_unit = price
        invoice = self._invoice(order)
        rma = self._create_rma(order, rma_type="advance_replacement")
        self._put_in_stock(self.connector, 3)
        self._approve(rma)
        return rma, invoice

    def _liability_balance(self):
        lines = self.env["account.move.line"].search(
            [("account_id", "=", self.deposit_account.id), ("parent_state", "=", "posted")]
        )
        return sum(lines.mapped("balance"))

    def _items(self, move, account):
        return move.line_ids.filtered(lambda x: x.account_id == account)

    def test_deposit_account_created_on_install(self):
        self.assertTrue(self.deposit_account, "post-init hook selects the deposits account")
        self.assertEqual(self.deposit_account.account_type, "liability_current")
        self.assertTrue(self.deposit_account.reconcile)

    def test_deposit_received_then_released(self):
        """An RMA Manager with accounting rights posts the deposit and its
        payment back at once."""
        rma, _invoice = self._deposit_rma()
        self.assertEqual(rma.deposit_amount, 45.0)
        with self.assertRaises(AccessError):
            rma.with_user(self.user_cs).action_deposit_received()
        with self.assertRaises(AccessError):
            rma.with_user(self.user_accountant).action_deposit_received()
        self.assertFalse(rma.deposit_payment_id)
        rma.with_user(self.user_mgr_acc).action_deposit_received()
        payment = rma.deposit_payment_id
        self.assertEqual(payment.payment_type, "inbound")
        self.assertEqual(payment.amount, 45.0)
        self.assertEqual(payment.journal_id, self.bank_journal)
        liability = self._items(payment.move_id, self.deposit_account)
        self.assertEqual(payment.move_id.state, "posted")
        self.assertRecordValues(
            liability, [{"debit": 0.0, "credit": 45.0, "partner_id": self.dealer_b.id}]
        )
        cash = payment.move_id.line_ids - liability
        self.assertEqual(cash.debit, 45.0)
        self.assertAlmostEqual(self._liability_balance(), -45.0)
        self.assertTrue(self._pickings_of_kind(rma, "replacement"), "the replacement ships")
        with self.assertRaisesRegex(UserError, "not possible"):
            rma.with_user(self.user_mgr_acc).action_deposit_received()
        self.assertEqual(self.env["account.payment"].search_count([("memo", "ilike", rma.name)]), 1)
        self._validate(self._pickings_of_kind(rma, "replacement"))
        with self.assertRaisesRegex(UserError, "not fully come back"):
            rma.with_user(self.user_mgr_acc).action_release_deposit()
        self.assertFalse(rma.deposit_return_payment_id)
        self._receive(rma)
        rma.with_user(self.user_mgr_acc).action_release_deposit()
        back = rma.deposit_return_payment_id
        self.assertEqual(back.payment_type, "outbound")
        self.assertEqual(back.journal_id, payment.journal_id)
        self.assertRecordValues(
            self._items(back.move_id, self.deposit_account),
            [{"debit": 45.0, "credit": 0.0, "partner_id": self.dealer_b.id, "reconciled": True}],
        )
        self.assertTrue(liability.reconciled)
        self.assertAlmostEqual(self._liability_balance(), 0.0)
        self.assertEqual(rma.deposit_state, "released")

    def test_manager_prepares_accounting_posts_and_the_payment_is_paid_back(self):
        """An RMA Manager without accounting rights leaves drafts. The
        customer paid 40, not the 45 asked: accounting posts 40, and the
        release pays back exactly those 40 — never the deposit field."""
        rma, _invoice = self._deposit_rma()
        rma.with_user(self.user_mgr).action_deposit_received()
        self.assertEqual(rma.deposit_state, "received")
        payment = rma.deposit_payment_id
        self.assertEqual(payment.state, "draft")
        self.assertFalse(payment.move_id, "nothing posted")
        self.assertAlmostEqual(self._liability_balance(), 0.0)
        self.assertIn(payment.display_name, rma.message_ids[0].body)
        with self.assertRaises(AccessError):
            payment.with_user(self.user_mgr).action_post()
        with self.assertRaises(UserError):
            rma.with_user(self.user_mgr).write({"deposit_amount": 1.0})
        with self.assertRaises(UserError):
            rma.with_user(self.user_mgr).write({"deposit_payment_id": False})
        # accounting books what arrived
        payment.with_user(self.user_accountant).amount = 40.0
        payment.with_user(self.user_accountant).action_post()
        self.assertAlmostEqual(self._liability_balance(), -40.0)
        self._validate(self._pickings_of_kind(rma, "replacement"))
        self._receive(rma)
        rma.with_user(self.user_mgr).action_release_deposit()
        self.assertEqual(rma.deposit_state, "released")
        back = rma.deposit_return_payment_id
        self.assertEqual(back.state, "draft")
        self.assertEqual(back.payment_type, "outbound")
        self.assertAlmostEqual(back.amount, 40.0)
        self.assertEqual(rma.deposit_amount, 45.0, "the field is not what is paid back")
        self.assertAlmostEqual(self._liability_balance(), -40.0, "nothing paid yet")
        with self.assertRaises(AccessError):
            back.with_user(self.user_mgr).action_post()
        back.with_user(self.user_accountant).action_post()
        self.assertTrue(self._items(payment.move_id, self.deposit_account).reconciled)
        self.assertTrue(self._items(back.move_id, self.deposit_account).reconciled)
        self.assertAlmostEqual(self._liability_balance(), 0.0)

    def test_released_before_accounting_posted_the_deposit(self):
        """Accounting had not posted the deposit yet: the payment back is the
        deposit payment's amount; once both are posted (in any order) the
        liability is cleared."""
        rma, _invoice = self._deposit_rma()
        rma.with_user(self.user_mgr).action_deposit_received()
        payment = rma.deposit_payment_id
        self._validate(self._pickings_of_kind(rma, "replacement"))
        self._receive(rma)
        rma.with_user(self.user_mgr).action_release_deposit()
        back = rma.deposit_return_payment_id
        self.assertEqual((payment | back).mapped("state"), ["draft", "draft"])
        self.assertAlmostEqual(back.amount, 45.0)
        back.with_user(self.user_accountant).action_post()
        self.assertAlmostEqual(self._liability_balance(), 45.0)
        payment.with_user(self.user_accountant).action_post()
        self.assertTrue(self._items(back.move_id, self.deposit_account).reconciled)
        self.assertAlmostEqual(self._liability_balance(), 0.0)

    def test_cancelled_deposit_payment_pays_nothing_back(self):
        """The money never arrived: accounting cancels the deposit payment;
        the release pays nothing back."""
        rma, _invoice = self._deposit_rma()
        rma.with_user(self.user_mgr).action_deposit_received()
        rma.deposit_payment_id.with_user(self.user_accountant).action_cancel()
        self._validate(self._pickings_of_kind(rma, "replacement"))
        self._receive(rma)
        rma.with_user(self.user_mgr).action_release_deposit()
        self.assertEqual(rma.deposit_state, "released")
        self.assertFalse(rma.deposit_return_payment_id)
        self.assertIn("holds nothing", rma.message_ids[0].body)
        self.assertAlmostEqual(self._liability_balance(), 0.0)

    def test_deposit_applied_to_replacement_invoice(self):
        """The goods do not come back: invoice 3 × 15 + 13% = 50.85, the
        deposit 45 pays it, 5.85 is left to pay."""
        rma, _invoice = self._deposit_rma()
        rma.with_user(self.user_mgr_acc).action_deposit_received()
        self._validate(self._pickings_of_kind(rma, "replacement"))
        rma.with_user(self.user_mgr_acc).action_apply_deposit()
        self.assertEqual(rma.deposit_state, "applied")
        invoice = rma.charge_invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.partner_id, self.dealer_b)
        self.assertEqual(invoice.invoice_line_ids.quantity, 3)
        self.assertEqual(invoice.invoice_line_ids.price_unit, 15.0)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, self.tax13)
        self.assertEqual(invoice.invoice_line_ids.rma_charge_type, "deposit")
        self.assertAlmostEqual(invoice.amount_total, 50.85)
        self.assertAlmostEqual(invoice.amount_residual, 5.85)
        self.assertEqual(invoice.payment_state, "partial")
        transfer = rma.deposit_transfer_move_id
        self.assertEqual(transfer.state, "posted")
        self.assertRecordValues(
            transfer.line_ids.sorted("balance"),
            [
                {
                    "account_id": self.dealer_b.property_account_receivable_id.id,
                    "debit": 0.0,
                    "credit": 45.0,
                    "partner_id": self.dealer_b.id,
                    "reconciled": True,
                },
                {
                    "account_id": self.deposit_account.id,
                    "debit": 45.0,
                    "credit": 0.0,
                    "partner_id": self.dealer_b.id,
                    "reconciled": True,
                },
            ],
        )
        self.assertAlmostEqual(self._liability_balance(), 0.0)
        with self.assertRaisesRegex(UserError, "not possible"):
            rma.with_user(self.user_mgr_acc).action_apply_deposit()
        self.assertEqual(len(rma.charge_invoice_ids), 1)

    def test_manager_applies_accounting_posts_and_matches(self):
        rma, _invoice = self._deposit_rma()
        rma.with_user(self.user_mgr_acc).action_deposit_received()
        self._validate(self._pickings_of_kind(rma, "replacement"))
        rma.with_user(self.user_mgr).action_apply_deposit()
        self.assertEqual(rma.deposit_state, "applied")
        invoice = rma.charge_invoice_ids
        transfer = rma.deposit_transfer_move_id
        self.assertEqual((invoice | transfer).mapped("state"), ["draft", "draft"])
        self.assertAlmostEqual(self._liability_balance(), -45.0, "nothing posted")
        with self.assertRaises(AccessError):
            (invoice | transfer).with_user(self.user_mgr).action_post()
        (invoice | transfer).with_user(self.user_accountant).action_post()
        self.assertAlmostEqual(self._liability_balance(), 0.0)
        self.assertTrue(self._items(transfer, self.deposit_account).reconciled)
        self.assertAlmostEqual(invoice.amount_residual, 5.85)

    def test_eur_deposit_paid_back_exactly(self):
        """EUR order: 3 × 15 EUR = 45 EUR. Received at 2 EUR per USD (22.50
        USD), paid back 45 EUR at 2.5 (18.00 USD): the liability is cleared
        in EUR and the 4.50 USD difference is an exchange difference."""
        eur, pricelist = self._eur(2.0)
        self.dealer_b.property_product_pricelist = pricelist
        rma, invoice = self._deposit_rma(price=15.0)
        self.assertEqual(invoice.currency_id, eur)
        self.assertEqual(rma.currency_id, eur)
        self.assertAlmostEqual(rma.deposit_amount, 45.0)
        rma.with_user(self.user_mgr_acc).action_deposit_received()
        payment = rma.deposit_payment_id
        self.assertEqual(payment.currency_id, eur)
        self.assertAlmostEqual(payment.amount, 45.0)
        liability = self._items(payment.move_id, self.deposit_account)
        self.assertAlmostEqual(liability.amount_currency, -45.0)
        self.assertAlmostEqual(liability.balance, -22.5)
        self._set_rate(eur, 2.5)
        self._validate(self._pickings_of_kind(rma, "replacement"))
        self._receive(rma)
        rma.with_user(self.user_mgr_acc).action_release_deposit()
        back = rma.deposit_return_payment_id
        self.assertEqual(back.currency_id, eur)
        self.assertAlmostEqual(back.amount, 45.0)
        back_liability = self._items(back.move_id, self.deposit_account)
        self.assertAlmostEqual(back_liability.amount_currency, 45.0)
        self.assertAlmostEqual(back_liability.balance, 18.0)
        self.assertTrue(liability.reconciled)
        self.assertTrue(back_liability.reconciled)
        self.assertAlmostEqual(self._liability_balance(), 0.0)
        exchange = (liability.matched_debit_ids | liability.matched_credit_ids).exchange_move_id
        self.assertEqual(len(exchange), 1)
        self.assertAlmostEqual(self._items(exchange, self.deposit_account).balance, 4.5)

    def test_eur_deposit_applied_in_eur(self):
        """The replacement's invoice is in EUR (3 × 15 EUR + 13% = 50.85
        EUR); the deposit of 45 EUR leaves 5.85 EUR to pay."""
        eur, pricelist = self._eur(2.0)
        self.dealer_b.property_product_pricelist = pricelist
        rma, _invoice = self._deposit_rma(price=15.0)
        rma.with_user(self.user_mgr_acc).action_deposit_received()
        self._validate(self._pickings_of_kind(rma, "replacement"))
        rma.with_user(self.user_mgr_acc).action_apply_deposit()
        invoice = rma.charge_invoice_ids
        transfer = rma.deposit_transfer_move_id
        self.assertEqual(invoice.currency_id, eur)
        self.assertEqual(transfer.currency_id, eur)
        self.assertAlmostEqual(invoice.amount_total, 50.85)
        self.assertAlmostEqual(invoice.amount_residual, 5.85)
        self.assertAlmostEqual(self._liability_balance(), 0.0)

    def test_cancel_or_reset_refused_while_the_deposit_is_held(self):
        rma, _invoice = self._deposit_rma()
        rma.with_user(self.user_mgr_acc).action_deposit_received()
        replacement = self._pickings_of_kind(rma, "replacement")
        self.assertNotEqual(replacement.state, "done")
        with self.assertRaisesRegex(UserError, "holds the customer's deposit"):
            rma.with_user(self.user_cs).action_cancel()
        self.assertEqual(rma.state, "approved")
        self.assertEqual(rma.deposit_state, "received")
        self.assertNotEqual(replacement.state, "cancel", "nothing half-done")
        self.assertEqual(rma.deposit_payment_id.state, "in_process")
        # an RMA cancelled while holding a deposit (e.g. before this
        # control) cannot go back to draft either
        rma._write_workflow({"state": "cancelled"})
        with self.assertRaisesRegex(UserError, "holds the customer's deposit"):
            rma.with_user(self.user_cs).action_draft()
        self.assertEqual(rma.state, "cancelled")

    def test_deposit_needs_an_account(self):
        rma, _invoice = self._deposit_rma()
        self.company.rma_deposit_account_id = False
        with self.assertRaisesRegex(UserError, "customer deposits account"):
            rma.with_user(self.user_mgr).action_deposit_received()
        self.assertEqual(rma.deposit_state, "to_collect")
        self.assertFalse(rma.deposit_payment_id)
        self.assertFalse(self._pickings_of_kind(rma, "replacement"), "nothing half-written")

    def test_deposit_must_be_positive(self):
        rma, _invoice = self._deposit_rma()
        rma.deposit_amount = 0.0
        with self.assertRaisesRegex(UserError, "must be positive"):
            rma.with_user(self.user_mgr).action_deposit_received()
        self.assertEqual(rma.deposit_state, "to_collect")
