from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaCreditNote(RmaAccountCommon):
    def test_unpaid_invoice_credit_note_reconciled(self):
        """AS-01: 4 of 10 credited from INV (1,130) → credit 452, residual 678."""
        order = self._deliver(self.customer_c, [(self.mould, 10, self.lot1)])
        invoice = self._invoice(order)
        self.assertAlmostEqual(invoice.amount_total, 1130.0)
        self.mould.list_price = 999.0  # never used for the credit
        rma = self._refund_rma(order, 4)
        self.assertEqual(rma.state, "processing", "waits for the credit note")
        self.assertEqual(rma.refund_state, "to_credit")
        rma.action_create_credit_note()
        refund = rma.credit_note_ids
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(refund.invoice_line_ids.sale_line_ids, order.order_line)
        self.assertEqual(refund.invoice_line_ids.price_unit, 100.0)
        self.assertEqual(refund.invoice_line_ids.tax_ids, self.tax13)
        with self.assertRaises(UserError):
            rma.action_create_credit_note()  # double click
        self.assertEqual(len(rma.credit_note_ids), 1)
        refund.action_post()
        self.assertAlmostEqual(refund.amount_untaxed, 400.0)
        self.assertAlmostEqual(refund.amount_tax, 52.0)
        receivable = refund.line_ids.filtered(
            lambda x: x.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(receivable.credit, 452.0)
        self.assertTrue(receivable.reconciled)
        self.assertAlmostEqual(invoice.amount_residual, 678.0)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(order.order_line.qty_delivered, 6)
        self.assertEqual(order.order_line.qty_invoiced, 6)
        self.assertEqual(order.invoice_status, "no")
        self.assertEqual(rma.line_ids.qty_credited, 4)
        self.assertEqual(rma.line_ids.qty_to_credit, 0)
        self.assertEqual(rma.state, "done")

    def test_cancel_credit_note_gives_quantity_back(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        self._invoice(order)
        rma = self._refund_rma(order, 3)
        rma.action_create_credit_note()
        refund = rma.credit_note_ids
        refund.button_cancel()
        self.assertEqual(rma.line_ids.qty_to_credit, 3)
        rma.action_create_credit_note()
        self.assertEqual(len(rma.credit_note_ids.filtered(lambda m: m.state == "draft")), 1)
        self.assertEqual(
            rma.credit_note_ids.filtered(lambda m: m.state == "draft").invoice_line_ids.quantity, 3
        )

    def test_never_credit_more_than_invoiced(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        invoice = self._invoice(order)
        # 8 of the 10 already credited outside the RMA.
        reversal = invoice._reverse_moves()
        reversal.invoice_line_ids.quantity = 8
        reversal.action_post()
        rma = self._refund_rma(order, 5)
        with self.assertRaises(UserError):
            rma.action_create_credit_note()
        self.assertFalse(rma.credit_note_ids)

    def test_not_invoiced_order_needs_no_credit_note(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        rma = self._refund_rma(order, 4)
        self.assertEqual(rma.refund_state, "not_invoiced")
        self.assertEqual(rma.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 6)
        self.assertEqual(order.order_line.qty_to_invoice, 6)
        with self.assertRaises(UserError):
            rma.action_create_credit_note()

    def test_rma_user_without_accounting_cannot_post(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        self._invoice(order)
        rma = self._refund_rma(order, 2)
        rma.action_create_credit_note()
        with self.assertRaises(AccessError):
            rma.credit_note_ids.with_user(self.user_cs).action_post()
        self.assertEqual(rma.credit_note_ids.state, "draft")

    def test_reset_or_delete_credit_note_gives_quantity_back(self):
        """A posted, reconciled credit note reset to draft un-reconciles the
        invoice and gives the quantity back; deleting the draft too."""
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        invoice = self._invoice(order)
        rma = self._refund_rma(order, 3)
        rma.action_create_credit_note()
        refund = rma.credit_note_ids
        refund.action_post()
        self.assertAlmostEqual(invoice.amount_residual, 169.5 - 50.85)
        self.assertEqual(rma.line_ids.qty_credited, 3)
        self.assertEqual(refund.line_ids.rma_id, rma, "journal items carry the RMA")
        self.assertEqual(refund.action_view_rma()["res_id"], rma.id)
        refund.button_draft()
        self.assertAlmostEqual(invoice.amount_residual, 169.5)
        self.assertEqual(rma.line_ids.qty_credited, 0)
        self.assertEqual(rma.line_ids.qty_to_credit, 3)
        self.assertEqual(order.order_line.qty_invoiced, 7, "the draft still counts for sale")
        refund.unlink()
        self.assertFalse(rma.credit_note_ids)
        self.assertEqual(order.order_line.qty_invoiced, 10)
        self.assertEqual(rma.refund_state, "to_credit")
        rma.action_create_credit_note()
        self.assertEqual(rma.credit_note_ids.invoice_line_ids.quantity, 3)

    def test_partly_invoiced_order_credits_only_what_was_billed(self):
        """10 delivered, 6 invoiced (678.00), 8 returned for refund: 6 are
        credited (678.00, invoice settled), the 2 never billed only lower
        the sale quantities; the RMA closes."""
        order = self._deliver(self.customer_c, [(self.mould, 10, self.lot1)])
        draft = order._create_invoices()
        draft.invoice_line_ids.quantity = 6
        draft.action_post()
        invoice = draft
        self.assertAlmostEqual(invoice.amount_total, 678.0)
        rma = self._refund_rma(order, 8)
        rma.action_create_credit_note()
        line = rma.line_ids
        self.assertEqual(line.qty_not_invoiced, 2)
        self.assertEqual(line.qty_to_credit, 6)
        refund = rma.credit_note_ids
        self.assertEqual(refund.invoice_line_ids.quantity, 6)
        with self.assertRaises(UserError):
            rma.action_create_credit_note()  # second click: nothing left
        refund.action_post()
        self.assertAlmostEqual(refund.amount_total, 678.0)
        self.assertAlmostEqual(invoice.amount_residual, 0.0)
        self.assertEqual(line.qty_to_credit, 0)
        self.assertEqual(order.order_line.qty_delivered, 2)
        self.assertEqual(order.order_line.qty_invoiced, 0)
        self.assertEqual(order.order_line.qty_to_invoice, 2)
        self.assertEqual(order.invoice_status, "to invoice")
        self.assertEqual(rma.refund_state, "reconciled")
        self.assertEqual(rma.state, "done")
        self.env.flush_all()
        row = self.env["factory.rma.matching"].search([("rma_id", "=", rma.id)])
        self.assertEqual((row.qty_received, row.qty_credited, row.qty_not_invoiced), (8, 6, 2))
        self.assertFalse(row.has_mismatch, "never-billed units are no difference")
