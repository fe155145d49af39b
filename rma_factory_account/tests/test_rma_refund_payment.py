from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaRefundPayment(RmaAccountCommon):
    def _paid_refund(self):
        """AS-18: 4 × M-100 invoiced 452 and paid on the bank journal, the 4
        returned, accepted Fri 2026-03-13 and credited."""
        order = self._deliver(self.customer_c, [(self.mould, 4, self.lot1)])
        invoice = self._invoice(order)
        payment = self._pay(invoice)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        rma = self._refund_rma(order, 4)
        rma.date_judged = datetime(2026, 3, 13, 9, 0)
        rma.action_create_credit_note()
        rma.credit_note_ids.action_post()
        return order, invoice, payment, rma

    def _refund_activities(self, rma):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "factory.rma"),
                ("res_id", "=", rma.id),
                ("rma_escalation_step", "=", "refund"),
            ]
        )

    def test_paid_invoice_credit_stays_as_customer_credit(self):
        order, invoice, _payment, rma = self._paid_refund()
        note = rma.credit_note_ids
        receivable = self._receivable(note)
        self.assertAlmostEqual(receivable.credit, 452.0)
        self.assertFalse(receivable.reconciled, "nothing open on the paid invoice")
        self.assertAlmostEqual(receivable.amount_residual, -452.0)
        self.assertAlmostEqual(note.amount_residual, 452.0)
        self.assertEqual(note.payment_state, "not_paid")
        self.assertAlmostEqual(invoice.amount_residual, 0.0)
        self.assertEqual(order.order_line.qty_invoiced, 0)
        self.assertEqual(rma.refund_state, "credited")
        self.assertEqual(rma.refund_deadline.date().isoformat(), "2026-03-18")
        self.assertTrue(rma.refund_date, "kept as credit: refunded when posted")
        self.assertFalse(rma.refund_on_time, "posted long after 2026-03-18")
        self.assertEqual(rma.state, "done")
        # The customer keeps the credit: never overdue, no escalation.
        self.assertFalse(rma.refund_overdue)
        self.env["factory.rma"]._cron_escalate_overdue()
        self.assertFalse(self._refund_activities(rma))

    def test_register_refund_payment_on_original_journal(self):
        _order, invoice, payment, rma = self._paid_refund()
        note = rma.credit_note_ids
        rma.refund_date = False  # posted before the customer asked for the money
        rma.refund_payment_requested = True
        self.assertTrue(rma.refund_overdue, "deadline 2026-03-18 is past")
        self.assertIn(rma, self.env["factory.rma"].search([("is_overdue", "=", True)]))
        self.env["factory.rma"]._cron_escalate_overdue()
        self.env["factory.rma"]._cron_escalate_overdue()
        self.assertEqual(len(self._refund_activities(rma)), 1, "escalated once")
        with self.assertRaises(AccessError):
            rma.with_user(self.user_cs).action_register_refund_payment()
        refunds = rma.action_register_refund_payment()
        self.assertEqual(len(refunds), 1)
        self.assertEqual(refunds.payment_type, "outbound")
        self.assertEqual(refunds.partner_type, "customer")
        self.assertEqual(refunds.journal_id, payment.journal_id)
        self.assertEqual(
            refunds.payment_method_line_id.payment_method_id.code,
            payment.payment_method_line_id.payment_method_id.code,
        )
        self.assertAlmostEqual(refunds.amount, 452.0)
        self.assertEqual(refunds.rma_id, rma)
        receivable = self._receivable(note)
        self.assertTrue(receivable.reconciled)
        self.assertAlmostEqual(note.amount_residual, 0.0)
        pay_line = refunds.move_id.line_ids.filtered(
            lambda x: x.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(pay_line.debit, 452.0)
        self.assertTrue(pay_line.reconciled)
        self.assertIn(note.payment_state, ("paid", "in_payment"))
        self.assertAlmostEqual(invoice.amount_residual, 0.0)
        self.assertEqual(rma.refund_state, "paid")
        self.assertTrue(rma.refund_date)
        self.env["factory.rma.customer.message"]._cron_send_pending()
        notice = rma.message_ids.filtered(lambda m: "has been paid" in (m.body or ""))
        self.assertEqual(len(notice), 1, "the customer is told the refund is paid")
        self.assertIn(self.customer_c, notice.partner_ids)
        self.assertIn("452.00", notice.body)
        self.assertFalse(rma.refund_overdue)
        self.assertFalse(self._refund_activities(rma), "escalation closed")
        with self.assertRaises(UserError):
            rma.action_register_refund_payment()  # second click
        self.assertEqual(len(rma.refund_payment_ids), 1)

    def test_refund_not_credited_in_time_escalates(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        self._invoice(order)
        rma = self._refund_rma(order, 2)
        rma.date_judged = datetime(2026, 3, 13, 9, 0)
        self.assertEqual(rma.refund_state, "to_credit")
        self.assertTrue(rma.refund_overdue)
        rma.invalidate_recordset(["is_overdue"])
        self.assertTrue(rma.is_overdue)
        self.assertIn(rma, self.env["factory.rma"].search([("is_overdue", "=", True)]))
        self.env["factory.rma"]._cron_escalate_overdue()
        activity = self._refund_activities(rma)
        self.assertEqual(len(activity), 1)
        self.assertIn("Refund overdue", activity.summary)
        rma.action_create_credit_note()
        rma.credit_note_ids.action_post()
        self.assertEqual(rma.refund_state, "reconciled")
        self.assertFalse(self._refund_activities(rma))
        self.assertNotIn(rma, self.env["factory.rma"].search([("is_overdue", "=", True)]))

    def test_refund_payment_needs_a_credit_note(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        self._invoice(order)
        rma = self._refund_rma(order, 2)
        with self.assertRaises(UserError):
            rma.action_register_refund_payment()
        self.assertFalse(rma.refund_payment_ids)

    def test_refund_in_time_is_on_time(self):
        """Credited the day the goods are accepted: within the 3 working days."""
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        invoice = self._invoice(order)
        rma = self._refund_rma(order, 2)
        self.assertGreater(rma.refund_deadline, rma.date_judged)
        self.assertFalse(rma.refund_date)
        rma.action_create_credit_note()
        rma.credit_note_ids.action_post()
        self.assertEqual(rma.refund_state, "reconciled")
        self.assertAlmostEqual(invoice.amount_residual, 169.5 - 33.9)
        self.assertTrue(rma.refund_date)
        self.assertTrue(rma.refund_on_time)
        self.assertFalse(rma.refund_overdue)
