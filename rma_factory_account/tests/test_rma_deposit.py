from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaDeposit(RmaAccountCommon):
    """Advance replacement against a deposit (先发新货,再退回, 押金): 3 × C-20
    at 15 → deposit 45 credited to the customer deposits liability."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deposit_account = cls.company.rma_deposit_account_id

    def _deposit_rma(self):
        order = self._deliver(self.dealer_b, [(self.connector, 3, None)])
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
        rma, _invoice = self._deposit_rma()
        self.assertEqual(rma.deposit_amount, 45.0)
        with self.assertRaises(AccessError):
            rma.with_user(self.user_cs).action_deposit_received()
        self.assertFalse(rma.deposit_payment_id)
        rma.with_user(self.user_mgr).action_deposit_received()
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
            rma.with_user(self.user_mgr).action_deposit_received()
        self.assertEqual(self.env["account.payment"].search_count([("memo", "ilike", rma.name)]), 1)
        self._validate(self._pickings_of_kind(rma, "replacement"))
        with self.assertRaisesRegex(UserError, "not fully come back"):
            rma.with_user(self.user_mgr).action_release_deposit()
        self.assertFalse(rma.deposit_return_payment_id)
        self._receive(rma)
        rma.with_user(self.user_mgr).action_release_deposit()
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

    def test_deposit_applied_to_replacement_invoice(self):
        """The goods do not come back: invoice 3 × 15 + 13% = 50.85, the
        deposit 45 pays it, 5.85 is left to pay."""
        rma, _invoice = self._deposit_rma()
        rma.with_user(self.user_mgr).action_deposit_received()
        self._validate(self._pickings_of_kind(rma, "replacement"))
        rma.with_user(self.user_mgr).action_apply_deposit()
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
            rma.with_user(self.user_mgr).action_apply_deposit()
        self.assertEqual(len(rma.charge_invoice_ids), 1)

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
