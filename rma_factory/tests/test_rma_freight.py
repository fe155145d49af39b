from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaFreight(RmaCommon):
    def setUp(self):
        super().setUp()
        self.order = self._deliver(self.dealer_b, [(self.connector, 10, None)])

    def test_freight_payer_defaults_by_reason_and_responsibility(self):
        """RESP-18 / AS-25: quality returns split 50/50, other returns paid by
        the customer; a judged dealer, customer or carrier pays."""
        quality = self.env.ref("rma_factory.reason_quality_appearance")
        wrong_model = self.env.ref("rma_factory.reason_wrong_model")
        rma = self._create_rma(self.order)
        rma.line_ids.reason_id = quality
        self.assertEqual((rma.freight_payer, rma.freight_split_percent), ("split", 50.0))
        rma.line_ids.reason_id = wrong_model
        self.assertEqual(rma.freight_payer, "customer")
        rma.freight_payer = "company"  # negotiated by hand
        self.assertEqual(rma.freight_payer, "company")
        rma.line_ids.reason_id = quality
        self._approve(rma)
        self._receive(rma)
        rma.line_ids.with_user(self.user_cs).write({"responsibility": "carrier"})
        self.assertEqual(rma.freight_payer, "carrier")
        rma.line_ids.with_user(self.user_cs).write({"responsibility": "dealer"})
        self.assertEqual(rma.freight_payer, "dealer")
        rma.line_ids.with_user(self.user_cs).write({"responsibility": "production"})
        self.assertEqual(rma.freight_payer, "split")
        self.policy.freight_split_percent = 30.0
        rma.line_ids.with_user(self.user_cs).write({"responsibility": "process"})
        self.assertEqual(rma.freight_split_percent, 30.0)

    def test_pickup_only_when_pre_notified_and_carrier_on_receipt(self):
        rma = self._create_rma(self.order, return_method="pickup")
        rma.with_user(self.user_cs).action_submit()
        with self.assertRaisesRegex(UserError, "pre-notified"):
            rma.with_user(self.user_mgr).action_approve()
        self.assertEqual(rma.state, "submitted")
        self.assertFalse(rma.picking_ids)
        rma.write({"expected_arrival_date": "2026-03-10", "pickup_place": "Dealer B warehouse"})
        rma.with_user(self.user_mgr).action_approve()
        self.assertEqual(rma.state, "approved")
        carrier = self.env["res.partner"].create({"name": "SF Express"})
        receipt = self._receipt(rma).with_user(self.user_stock)
        receipt.write({"rma_carrier_id": carrier.id, "rma_tracking_ref": "SF123456"})
        self._validate(receipt)
        self.assertEqual(receipt.rma_tracking_ref, "SF123456")
        self.assertEqual(rma.state, "received")
