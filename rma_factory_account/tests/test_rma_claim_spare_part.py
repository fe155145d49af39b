from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaClaimSparePart(RmaAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls.env["res.partner"].create({"name": "FastFreight"})

    def _shortage(self):
        order = self._deliver(self.dealer_a, [(self.connector, 10, None)])
        rma = self._create_rma(
            order,
            rma_type="shortage",
            packaging_damaged=True,
            carrier_id=self.carrier.id,
            carrier_note_ref="POD-1",
        )
        self._set_line_qty(rma, 2)
        self._put_in_stock(self.connector, 2)
        rma.with_user(self.user_cs).action_submit()
        rma.with_user(self.user_mgr).action_approve()
        return rma

    def test_carrier_claim_invoiced_and_paid(self):
        """The claim of 30 is filed through the buttons; the amount is fixed
        from then on. The RMA Manager prepares the carrier's invoice, an
        accountant posts it."""
        rma = self._shortage()
        self.assertEqual(rma.claim_state, "to_claim")
        rma_cs = rma.with_user(self.user_cs)
        rma_cs.write({"claim_amount": 30.0, "claim_reference": "CLM-1"})
        rma_cs.action_claim_sent()
        with self.assertRaisesRegex(UserError, "is filed"):
            rma_cs.write({"claim_amount": 300.0})
        self.assertEqual(rma.claim_amount, 30.0)
        with self.assertRaisesRegex(UserError, "not accepted"):
            rma.with_user(self.user_mgr).action_invoice_carrier_claim()
        rma_cs.action_claim_accepted()
        self.assertEqual(rma.claim_state, "accepted")
        with self.assertRaises(AccessError):
            rma.with_user(self.user_cs).action_invoice_carrier_claim()
        self.assertFalse(rma.charge_invoice_ids)
        rma.with_user(self.user_mgr).action_invoice_carrier_claim()
        invoice = rma.charge_invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "draft", "an RMA Manager does not post")
        self.assertIn("Carrier claim invoice", rma.message_ids[0].body)
        with self.assertRaises(AccessError):
            invoice.with_user(self.user_mgr).action_post()
        with self.assertRaisesRegex(UserError, "already invoiced"):
            rma.with_user(self.user_mgr).action_invoice_carrier_claim()
        invoice.with_user(self.user_accountant).action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.partner_id, self.carrier)
        self.assertEqual(invoice.invoice_line_ids.rma_charge_type, "claim")
        self.assertAlmostEqual(invoice.amount_total, 30.0)
        self.assertEqual(self._receivable(invoice).debit, 30.0)
        self.assertEqual(rma.claim_state, "accepted")
        self._pay(invoice, amount=10.0)
        self.assertEqual(rma.claim_state, "accepted", "partly paid")
        self._pay(invoice)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(rma.claim_state, "paid")

    def test_accountant_invoices_the_claim_posted(self):
        rma = self._shortage()
        rma.write({"claim_amount": 30.0, "claim_reference": "CLM-2"})
        rma.with_user(self.user_cs).action_claim_sent()
        rma.with_user(self.user_cs).action_claim_accepted()
        rma.with_user(self.user_accountant).action_invoice_carrier_claim()
        invoice = rma.charge_invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertAlmostEqual(self._receivable(invoice).debit, 30.0)

    def test_carrier_freight_withheld_until_the_claim_is_settled(self):
        """Shortage with the policy's withholding: the carrier's freight bill
        linked to the RMA cannot be paid while the claim is open."""
        rma = self._shortage()
        self.assertTrue(rma.withhold_carrier_freight)
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.carrier.id,
                "invoice_date": "2026-03-10",
                "rma_freight_rma_id": rma.id,
                "invoice_line_ids": [
                    (0, 0, {"name": "Freight SO", "quantity": 1, "price_unit": 80.0})
                ],
            }
        )
        bill.action_post()
        self.assertTrue(bill.rma_freight_withheld)
        with self.assertRaisesRegex(UserError, "withheld"):
            bill.action_register_payment()
        with self.assertRaisesRegex(UserError, "withheld"):
            self._pay(bill)
        self.assertEqual(bill.payment_state, "not_paid")
        rma.claim_state = "claimed"
        self.assertTrue(bill.rma_freight_withheld)
        rma.claim_state = "accepted"
        self.assertFalse(bill.rma_freight_withheld)
        self._pay(bill)
        self.assertEqual(bill.payment_state, "paid")
        # another partner's bill linked to the RMA is not withheld
        other = bill.copy({"partner_id": self.dealer_a.id, "rma_freight_rma_id": rma.id})
        rma.claim_state = "to_claim"
        self.assertFalse(other.rma_freight_withheld)

    def _spare_rma(self, qty=2):
        order = self._deliver(self.dealer_b, [(self.connector, qty, None)])
        invoice = self._invoice(order)
        rma = self._create_rma(order, rma_type="spare_part")
        rma.line_ids.replacement_product_id = self.connector
        self._put_in_stock(self.connector, qty)
        with freeze_time("2026-03-02 09:00:00"):
            self._approve(rma)
        self._validate(self._pickings_of_kind(rma, "replacement"))
        return rma, invoice

    def test_unreturned_spare_part_charged(self):
        """2 × C-20 shipped as spare parts, no defective part back after a
        month: invoice 2 × 15 + 13 % = 33.90, the receipt is cancelled."""
        rma, _invoice = self._spare_rma()
        with freeze_time(rma.return_deadline - timedelta(hours=1)):
            self.assertFalse(rma.spare_part_charge_due)
            with self.assertRaisesRegex(UserError, "may still come back"):
                rma.with_user(self.user_mgr).action_charge_unreturned_part()
        self.assertFalse(rma.charge_invoice_ids)
        with freeze_time(rma.return_deadline + timedelta(hours=1)):
            rma.invalidate_recordset(["spare_part_charge_due"])
            self.assertTrue(rma.spare_part_charge_due)
            with self.assertRaises(AccessError):
                rma.with_user(self.user_cs).action_charge_unreturned_part()
            rma.with_user(self.user_mgr).action_charge_unreturned_part()
        invoice = rma.charge_invoice_ids
        self.assertEqual(invoice.state, "draft", "an RMA Manager does not post")
        with self.assertRaises(AccessError):
            invoice.with_user(self.user_mgr).action_post()
        invoice.with_user(self.user_accountant).action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.partner_id, self.dealer_b)
        self.assertRecordValues(
            invoice.invoice_line_ids,
            [
                {
                    "product_id": self.connector.id,
                    "quantity": 2.0,
                    "price_unit": 15.0,
                    "rma_charge_type": "spare_part",
                }
            ],
        )
        self.assertAlmostEqual(invoice.amount_total, 33.90)
        self.assertEqual(self._receipt(rma).state, "cancel")
        self.assertEqual(rma.state, "done")
        with freeze_time(rma.return_deadline + timedelta(hours=2)):
            with self.assertRaisesRegex(UserError, "came back or is charged"):
                rma.with_user(self.user_mgr).action_charge_unreturned_part()
        self.assertEqual(len(rma.charge_invoice_ids), 1)

    def test_accountant_charges_the_unreturned_part_posted(self):
        rma, _invoice = self._spare_rma()
        with freeze_time(rma.return_deadline + timedelta(hours=1)):
            rma.with_user(self.user_accountant).action_charge_unreturned_part()
        self.assertEqual(rma.charge_invoice_ids.state, "posted")
        self.assertAlmostEqual(rma.charge_invoice_ids.amount_total, 33.90)
        self.assertEqual(rma.state, "done")

    def test_returned_spare_part_not_charged(self):
        rma, _invoice = self._spare_rma()
        self._receive(rma)
        with freeze_time(rma.return_deadline + timedelta(hours=1)):
            with self.assertRaisesRegex(UserError, "came back or is charged"):
                rma.with_user(self.user_mgr).action_charge_unreturned_part()
        self.assertFalse(rma.charge_invoice_ids)

    def test_policy_can_disable_spare_part_charge(self):
        rma, _invoice = self._spare_rma()
        rma.policy_id.charge_unreturned_spare_parts = False
        with freeze_time(rma.return_deadline + timedelta(hours=1)):
            with self.assertRaisesRegex(UserError, "does not charge"):
                rma.with_user(self.user_mgr).action_charge_unreturned_part()
        self.assertFalse(rma.charge_invoice_ids)
