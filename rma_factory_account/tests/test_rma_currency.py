from odoo.tests import tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaCurrency(RmaAccountCommon):
    """Issue #10: an RMA has the currency of its origin documents (EUR
    here, the company's is USD); the second-approval threshold compares the
    amount frozen in company currency at submission; charges, concessions
    and costs are booked in EUR, Odoo converting them at the document date.
    Rates are EUR per USD."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.second_approval_amount = 500.0
        cls.freight_expense = cls.env["account.account"].create(
            {"name": "RMA freight cost", "code": "RMAFRT9", "account_type": "expense"}
        )
        cls.freight_accrual = cls.env["account.account"].create(
            {"name": "RMA freight accrued", "code": "RMAFRT8", "account_type": "liability_current"}
        )
        cls.company.write(
            {
                "rma_freight_cost_account_id": cls.freight_expense.id,
                "rma_freight_accrual_account_id": cls.freight_accrual.id,
            }
        )

    def _eur_order(self, rate, qty=20, price=15.0):
        """Delivered and invoiced EUR order of ``qty`` × C-20 at ``price`` EUR."""
        self.eur, pricelist = self._eur(rate)
        self.customer_c.property_product_pricelist = pricelist
        order = self._deliver(self.customer_c, [(self.connector, qty, None)])
        order.order_line.price_unit = price
        invoice = self._invoice(order)
        self.assertEqual(invoice.currency_id, self.eur)
        return order, invoice

    def test_eur_below_the_threshold_needs_one_approval(self):
        """300 EUR at 2 EUR per USD = 150 USD: the RMA Manager approves alone."""
        order, _invoice = self._eur_order(2.0)
        rma = self._create_rma(order)
        self.assertEqual(rma.currency_id, self.eur)
        self.assertAlmostEqual(rma.amount_total, 300.0)
        rma.with_user(self.user_cs).action_submit()
        self.assertAlmostEqual(rma.approval_amount, 150.0)
        self.assertFalse(rma.needs_second_approval)
        rma.with_user(self.user_mgr).action_approve()
        self.assertEqual(rma.state, "approved")

    def test_eur_above_the_threshold_needs_the_approver(self):
        """300 EUR at 0.5 EUR per USD = 600 USD > 500: the RMA Approver must
        approve too, even once the rate went back to 2 (the amount is
        frozen at submission)."""
        order, _invoice = self._eur_order(0.5)
        rma = self._create_rma(order)
        self.assertAlmostEqual(rma.amount_total, 300.0)
        rma.with_user(self.user_cs).action_submit()
        self.assertAlmostEqual(rma.approval_amount, 600.0)
        self.assertTrue(rma.needs_second_approval)
        self._set_rate(self.eur, 2.0)
        rma.invalidate_recordset()
        self.assertAlmostEqual(rma.approval_amount, 600.0)
        self.assertTrue(rma.needs_second_approval)
        rma.with_user(self.user_mgr).action_approve()
        self.assertEqual(rma.state, "submitted", "waiting for the RMA Approver")
        rma.with_user(self.user_gm).action_approve()
        self.assertEqual(rma.state, "approved")

    def test_eur_freight_charge_and_cost_in_eur(self):
        """Freight 40 EUR split 50/50 at 2 EUR per USD: 20 EUR invoiced to
        the customer (10 USD), 20 EUR booked as the company's cost (10 USD)."""
        order, _invoice = self._eur_order(2.0, qty=10)
        rma = self._create_rma(order, freight_payer="company")
        rma.line_ids.quantity = 2
        rma.write({"freight_amount": 40.0, "freight_customer_percent": 50.0})
        self._run_refund(rma)
        self.assertAlmostEqual(rma.freight_customer_amount, 20.0)
        rma.with_user(self.user_cs).action_create_charge_invoice()
        charge = rma.charge_invoice_ids
        self.assertEqual(charge.currency_id, self.eur)
        self.assertEqual(charge.state, "draft")
        charge.with_user(self.user_accountant).action_post()
        self.assertAlmostEqual(charge.amount_total, 20.0)
        self.assertAlmostEqual(self._receivable(charge).amount_currency, 20.0)
        self.assertAlmostEqual(self._receivable(charge).debit, 10.0)
        rma.with_user(self.user_accountant).action_post_freight_cost()
        cost = rma.freight_cost_move_id
        self.assertEqual(cost.state, "posted")
        expense = cost.line_ids.filtered(lambda x: x.account_id == self.freight_expense)
        self.assertEqual(expense.currency_id, self.eur)
        self.assertAlmostEqual(expense.amount_currency, 20.0)
        self.assertAlmostEqual(expense.debit, 10.0)

    def test_eur_concession_credited_in_eur(self):
        """A concession of 30 EUR on the EUR invoice: the credit note is in
        EUR (30 + 13 % = 33.90 EUR) and reconciled with the invoice."""
        order, invoice = self._eur_order(2.0, qty=10)
        rma = self._create_rma(order, rma_type="complaint")
        self.assertEqual(rma.currency_id, self.eur)
        rma.with_user(self.user_cs).action_submit()
        rma.with_user(self.user_mgr).action_approve()
        rma.line_ids.with_user(self.user_cs).write(
            {"decided_outcome": "concession", "concession_amount": 30.0}
        )
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        rma.with_user(self.user_cs).action_create_credit_note()
        note = rma.credit_note_ids
        self.assertEqual(note.currency_id, self.eur)
        self.assertEqual(note.state, "draft")
        note.with_user(self.user_accountant).action_post()
        self.assertAlmostEqual(note.amount_total, 33.9)
        self.assertAlmostEqual(invoice.amount_residual, 169.5 - 33.9)
        self.assertTrue(self._receivable(note).reconciled)
