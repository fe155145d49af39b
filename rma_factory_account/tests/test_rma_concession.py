from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaConcession(RmaAccountCommon):
    """AS-29: 10 × C-20 invoiced 169.50, the customer keeps the goods and
    gets a 10 % discount: credit note 15.00 + 1.95 = 16.95 on a line not
    linked to the sale line, reconciled with the invoice."""

    def _complaint(self, amount):
        order = self._deliver(self.dealer_b, [(self.connector, 10, None)])
        invoice = self._invoice(order)
        rma = self._create_rma(order, rma_type="complaint")
        rma.with_user(self.user_cs).action_submit()
        rma.with_user(self.user_mgr).action_approve()
        rma.line_ids.with_user(self.user_cs).write(
            {"decided_outcome": "concession", "concession_amount": amount}
        )
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        return order, invoice, rma

    def _row(self, rma):
        self.env.flush_all()
        self.env["factory.rma.matching"].invalidate_model()
        return self.env["factory.rma.matching"].search([("rma_id", "=", rma.id)])

    def test_concession_credit_note_reconciled(self):
        order, invoice, rma = self._complaint(15.0)
        self.assertAlmostEqual(invoice.amount_total, 169.50)
        self.assertEqual(rma.refund_state, "to_credit")
        row = self._row(rma)
        self.assertTrue(row.concession_not_credited)
        self.assertTrue(row.has_mismatch)
        self.assertFalse(row.not_credited, "no goods to credit")
        rma.with_user(self.user_cs).action_create_credit_note()
        note = rma.credit_note_ids
        self.assertEqual(len(note), 1)
        self.assertEqual(note.reversed_entry_id, invoice)
        line = note.invoice_line_ids
        self.assertEqual(
            line.product_id, self.env.ref("rma_factory_account.product_rma_concession")
        )
        self.assertEqual(line.quantity, 1)
        self.assertEqual(line.price_unit, 15.0)
        self.assertEqual(line.tax_ids, self.tax13)
        self.assertEqual(line.account_id, invoice.invoice_line_ids.account_id)
        self.assertFalse(line.sale_line_ids, "a discount line, not linked to the sale line")
        self.assertEqual(line.rma_charge_type, "concession")
        note.action_post()
        self.assertAlmostEqual(note.amount_total, 16.95)
        self.assertAlmostEqual(invoice.amount_residual, 152.55)
        self.assertTrue(self._receivable(note).reconciled)
        self.assertEqual(order.order_line.qty_invoiced, 10)
        self.assertEqual(rma.line_ids.qty_credited, 0, "no goods credited")
        self.assertEqual(rma.refund_state, "reconciled")
        row = self._row(rma)
        self.assertAlmostEqual(row.amount_concession, 15.0)
        self.assertFalse(row.concession_not_credited)
        self.assertFalse(row.price_mismatch)
        self.assertFalse(row.has_mismatch)
        with self.assertRaisesRegex(UserError, "Nothing to credit"):
            rma.with_user(self.user_cs).action_create_credit_note()
        self.assertEqual(len(rma.credit_note_ids), 1)

    def test_concession_fully_paid_invoice(self):
        """Concession on the whole line: the invoice residual is zero."""
        _order, invoice, rma = self._complaint(150.0)
        rma.action_create_credit_note()
        rma.credit_note_ids.action_post()
        self.assertAlmostEqual(rma.credit_note_ids.amount_total, 169.50)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(rma.refund_state, "reconciled")

    def test_concession_above_invoice_refused(self):
        _order, invoice, rma = self._complaint(150.01)
        with self.assertRaisesRegex(UserError, "more than the 150"):
            rma.action_create_credit_note()
        self.assertFalse(rma.credit_note_ids)
        self.assertAlmostEqual(invoice.amount_residual, 169.50)

    def test_concession_in_batch(self):
        _order, _invoice, rma = self._complaint(15.0)
        _order2, _invoice2, rma2 = self._complaint(30.0)
        (rma | rma2).action_create_credit_note_batch()
        self.assertEqual(rma.credit_note_ids.amount_untaxed, 15.0)
        self.assertEqual(rma2.credit_note_ids.amount_untaxed, 30.0)
        with self.assertRaisesRegex(UserError, "None of the selected"):
            (rma | rma2).action_create_credit_note_batch()
