from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaTypes(RmaCommon):
    def _approve_no_goods(self, rma, state):
        rma.with_user(self.user_cs).action_submit()
        rma.with_user(self.user_mgr).action_approve()
        self.assertEqual(rma.state, state)

    def _escalations(self, rma, step):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "factory.rma"),
                ("res_id", "=", rma.id),
                ("rma_escalation_step", "=", step),
            ]
        )

    def test_shortage_replenished_at_once_with_carrier_claim(self):
        """货品缺少 / 运输损坏: nothing comes back, the missing quantity ships at
        approval, the carrier claim is due 24 h after delivery and escalates
        once; SO delivered quantity unchanged."""
        order = self._deliver(self.dealer_a, [(self.connector, 10, None)])
        delivery = order.picking_ids
        carrier = self.env["res.partner"].create({"name": "FastFreight"})
        rma = self._create_rma(
            order,
            rma_type="shortage",
            packaging_damaged=True,
            carrier_id=carrier.id,
            carrier_note_ref="POD-0308",
        )
        self._set_line_qty(rma, 2)
        self._put_in_stock(self.connector, 2)
        self._approve_no_goods(rma, "processing")
        self.assertFalse(self._receipt(rma), "no goods come back")
        self.assertEqual(rma.line_ids.decided_outcome, "replace")
        self.assertEqual(rma.claim_state, "to_claim")
        delivered_at = max(delivery.move_ids.mapped("date"))
        self.assertEqual(rma.claim_deadline, delivered_at + timedelta(hours=24))
        self.assertTrue(rma.withhold_carrier_freight)
        replacement = self._pickings_of_kind(rma, "replacement")
        self.assertEqual(replacement.move_ids.product_uom_qty, 2)
        self.assertEqual(replacement.location_id, self.stock_loc)
        with freeze_time(rma.claim_deadline + timedelta(minutes=5)):
            self.env["factory.rma"]._cron_escalate_overdue()
            self.env["factory.rma"]._cron_escalate_overdue()
        self.assertEqual(len(self._escalations(rma, "claim")), 1)
        self._validate(replacement)
        self.assertEqual(rma.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 10)
        self.assertEqual(self._qty(self.connector, self.stock_loc), 0)

    def test_shortage_reported_late_fails_eligibility(self):
        order = self._deliver(self.dealer_a, [(self.connector, 10, None)])
        rma = self._create_rma(order, rma_type="shortage", packaging_damaged=True)
        rma.line_ids.delivery_date = self._today() - timedelta(days=3)
        rma.with_user(self.user_cs).action_submit()
        self.assertEqual(rma.eligibility_state, "not_eligible")
        self.assertIn("more than 2 days", rma.line_ids.eligibility_note)
        self.assertIn("signed delivery note", rma.line_ids.eligibility_note)
        rma.carrier_note_ref = "POD-0308"
        rma.line_ids.delivery_date = self._today() - timedelta(days=2)
        rma.action_check_eligibility()
        self.assertEqual(rma.eligibility_state, "eligible")

    def test_complaint_only_concession_without_goods(self):
        order = self._deliver(self.dealer_b, [(self.connector, 10, None)])
        rma = self._create_rma(order, rma_type="complaint")
        self._approve_no_goods(rma, "received")
        self.assertFalse(rma.picking_ids, "straight to the judgement, no receipt")
        with self.assertRaisesRegex(UserError, "Decide the outcome"):
            rma.with_user(self.user_cs).action_judge()
        rma.line_ids.with_user(self.user_cs).write(
            {"decided_outcome": "concession", "concession_amount": 30.0}
        )
        self.assertFalse(rma.line_ids.destination)
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        self.assertEqual(rma.state, "done")
        self.assertFalse(rma.picking_ids)
        self.assertEqual(order.order_line.qty_delivered, 10)
        self.assertEqual(rma.line_ids.qty_to_credit, 0)

    def test_spare_part_first_recovered_within_a_month(self):
        order = self._deliver(self.dealer_b, [(self.mould, 1, self.lot1)])
        rma = self._create_rma(order, rma_type="spare_part")
        rma.line_ids.replacement_product_id = self.connector
        self._put_in_stock(self.connector, 1)
        with freeze_time("2026-03-02 09:00:00"):
            self._approve(rma)
        self.assertEqual(rma.return_deadline, rma.date_approved + relativedelta(months=1))
        spare = self._pickings_of_kind(rma, "replacement")
        self.assertEqual(spare.move_ids.product_id, self.connector)
        self.assertEqual(spare.move_ids.product_uom_qty, 1)
        self._validate(spare)
        self.assertEqual(rma.state, "approved", "waiting for the defective part")
        with freeze_time(rma.return_deadline + timedelta(hours=1)):
            self.env["factory.rma"]._cron_escalate_overdue()
        self.assertEqual(len(self._escalations(rma, "return")), 1)
        self._receive(rma)
        self.assertEqual(rma.state, "received")
        self._decide(rma, "replace", "defective")
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        self.assertEqual(len(self._pickings_of_kind(rma, "replacement")), 1, "no second spare")
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(self._qty(self.mould, self.defective_loc, self.lot1), 1)
        self.assertEqual(rma.state, "done")

    def test_advance_replacement_against_deposit(self):
        order = self._deliver(self.dealer_b, [(self.mould, 2, self.lot1)])
        rma = self._create_rma(order, rma_type="advance_replacement")
        self.assertEqual(rma.deposit_amount, 200.0)
        self._put_in_stock(self.mould, 2, self.lot2)
        self._approve(rma)
        self.assertEqual(rma.deposit_state, "to_collect")
        self.assertFalse(self._pickings_of_kind(rma, "replacement"), "no deposit, no replacement")
        with self.assertRaises(AccessError):
            rma.with_user(self.user_cs).action_deposit_received()
        rma.with_user(self.user_mgr).action_deposit_received()
        with self.assertRaisesRegex(UserError, "not possible"):
            rma.with_user(self.user_mgr).action_deposit_received()
        replacement = self._pickings_of_kind(rma, "replacement")
        self.assertEqual(replacement.move_ids.product_uom_qty, 2)
        self._validate(replacement)
        with self.assertRaisesRegex(UserError, "not fully come back"):
            rma.with_user(self.user_mgr).action_release_deposit()
        self._receive(rma)
        rma.with_user(self.user_mgr).action_release_deposit()
        self.assertEqual(rma.deposit_state, "released")
        with self.assertRaisesRegex(UserError, "not possible"):
            rma.with_user(self.user_mgr).action_apply_deposit()
        self._decide(rma, "replace", "defective")
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        self.assertEqual(len(self._pickings_of_kind(rma, "replacement")), 1)
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(rma.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 2)

    def test_deposit_applied_when_goods_do_not_come_back(self):
        order = self._deliver(self.dealer_b, [(self.connector, 3, None)])
        rma = self._create_rma(order, rma_type="advance_replacement")
        self._put_in_stock(self.connector, 3)
        self._approve(rma)
        self.assertEqual(rma.deposit_amount, 45.0, "frozen at approval")
        rma.with_user(self.user_mgr).action_deposit_received()
        rma.with_user(self.user_mgr).action_apply_deposit()
        self.assertEqual(rma.deposit_state, "applied")
        self.assertEqual(rma.deposit_amount, 45.0)

    def test_third_party_goods_sent_back_without_credit(self):
        order = self._deliver(self.dealer_b, [(self.connector, 5, None)])
        rma = self._create_rma(order)
        with self.assertRaisesRegex(ValidationError, "third-party"), self.env.cr.savepoint():
            rma.line_ids.is_third_party = True
            rma.line_ids.flush_recordset()
        rma.line_ids.invalidate_recordset()
        foreign = self.env["product.product"].create(
            {"name": "Competitor insert", "is_storable": True, "list_price": 50.0}
        )
        rma.line_ids = [
            Command.create(
                {
                    "product_id": foreign.id,
                    "quantity": 1,
                    "is_third_party": True,
                    "cond_original_packaging": True,
                    "cond_accessories_complete": True,
                    "cond_no_human_damage": True,
                }
            )
        ]
        third = rma.line_ids.filtered("is_third_party")
        self._approve(rma)
        self.assertEqual(third.eligibility_state, "eligible")
        self._receive(rma)
        self._decide(rma, "refund", lines=rma.line_ids - third)
        self._decide(rma, "refund", lines=third)
        with self.assertRaisesRegex(UserError, "sent back or scrapped"):
            rma.with_user(self.user_cs).action_judge()
        self._decide(rma, "send_back", lines=third)
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        self.assertEqual(third.qty_to_credit, 0)
        send_back = self._pickings_of_kind(rma, "send_back")
        self.assertEqual(send_back.move_ids.product_id, foreign)
        self._validate(send_back | self._pickings_of_kind(rma, "routing"))
        self.assertEqual(rma.state, "done")

    def test_equal_quantity_replacement_guard(self):
        """平数补货: replacing more than the accepted quantity is refused
        unless an RMA Manager records the customer's special request."""
        order = self._deliver(self.dealer_b, [(self.connector, 10, None)])
        rma = self._create_rma(order)
        self._set_line_qty(rma, 4)
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "replace", "defective")
        rma.with_user(self.user_cs).action_judge()
        self._put_in_stock(self.connector, 6)
        rma.with_user(self.user_cs).action_process()
        replacement = self._pickings_of_kind(rma, "replacement")
        move = replacement.move_ids
        self.assertEqual(move.product_uom_qty, 4)
        with self.assertRaisesRegex(UserError, "exceeds the accepted quantity"):
            self._validate(replacement, quantities={move: 5})
        self.assertEqual(replacement.state, "assigned")
        line = rma.line_ids
        with self.assertRaises(AccessError):
            line.with_user(self.user_cs)._record_replacement_special_request("more please")
        with self.assertRaisesRegex(UserError, "Describe"):
            line.with_user(self.user_mgr)._record_replacement_special_request(" ")
        line.with_user(self.user_mgr)._record_replacement_special_request(
            "Customer buys one extra with the replacement"
        )
        self._validate(replacement, quantities={move: 5})
        self.assertEqual(line.qty_replaced, 5)

    def test_shortage_in_intact_parcel_needs_no_carrier_note(self):
        """Issue #9 item 8 (004 §l ②): short but the parcel was intact: the
        shortage report within 2 days is enough, no carrier's note, no
        claim; the company (logistics) is responsible and replenishes."""
        order = self._deliver(self.dealer_a, [(self.connector, 10, None)])
        rma = self._create_rma(order, rma_type="shortage")
        self._set_line_qty(rma, 1)
        rma.with_user(self.user_cs).action_submit()
        self.assertEqual(rma.eligibility_state, "eligible", rma.line_ids.eligibility_note)
        self.assertFalse(rma.withhold_carrier_freight)
        self._put_in_stock(self.connector, 1)
        rma.with_user(self.user_mgr).action_approve()
        self.assertEqual(rma.state, "processing")
        self.assertFalse(rma.claim_state, "no carrier claim")
        self.assertFalse(rma.claim_deadline)
        self.assertEqual(rma.line_ids.responsibility, "logistics")
        self.assertEqual(rma.line_ids.responsibility_side, "company")
        self._validate(self._pickings_of_kind(rma, "replacement"))
        self.assertEqual(rma.state, "done")
        # a damaged parcel without the carrier's note is not eligible
        order = self._deliver(self.dealer_a, [(self.connector, 10, None)])
        damaged = self._create_rma(order, rma_type="shortage", packaging_damaged=True)
        damaged.with_user(self.user_cs).action_submit()
        self.assertEqual(damaged.eligibility_state, "not_eligible")
        self.assertIn("packaging was damaged", damaged.line_ids.eligibility_note)
