from odoo.tests import tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaAccountCustomerSteps(RmaAccountCommon):
    """Issue #13: the customer is told once when its credit note is issued
    and once when its refund is paid, with the amounts."""

    def _send(self):
        Message = self.env["factory.rma.customer.message"]
        Message._cron_send_pending()
        Message._cron_send_pending()

    def _told(self, rma, text):
        rma.invalidate_recordset(["message_ids"])
        return rma.message_ids.filtered(
            lambda m: rma.partner_id in m.partner_ids and text in (m.body or "")
        )

    def test_credit_note_and_refund_are_told_once(self):
        order = self._deliver(self.customer_c, [(self.mould, 4, self.lot1)])
        invoice = self._invoice(order)
        self._pay(invoice)
        rma = self._refund_rma(order, 4)
        rma.action_create_credit_note()
        note = rma.credit_note_ids
        self._send()
        self.assertFalse(self._told(rma, "we issued the credit note"), "a draft is not issued")
        note.action_post()
        self._send()
        told = self._told(rma, "we issued the credit note")
        self.assertEqual(len(told), 1)
        self.assertIn(note.name, told.body)
        self.assertIn("452.00", told.body)
        rma.sudo()._record_credit_notes(note)
        self._send()
        self.assertEqual(len(self._told(rma, "we issued the credit note")), 1)

        rma.action_register_refund_payment()
        self._send()
        paid = self._told(rma, "has been paid")
        self.assertEqual(len(paid), 1)
        self.assertIn("452.00", paid.body)
        self.assertEqual(
            rma.sudo().customer_message_ids.filtered(lambda m: m.step == "refund").state, "sent"
        )
