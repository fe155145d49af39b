from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaFlow(RmaCommon):
    def test_refund_flow_stock_and_sale_quantities(self):
        """AS-01: 10 delivered, 4 returned for refund → delivered 6; goods
        Customers → RMA/Input → RMA/Defective with their lot."""
        order = self._deliver(self.customer_c, [(self.mould, 10, self.lot1)])
        sale_line = order.order_line
        rma = self._create_rma(order, user=self.user_cs)
        self.assertEqual(rma.line_ids.quantity, 10)
        self.assertEqual(rma.line_ids.lot_id, self.lot1)
        rma.line_ids.quantity = 4
        self.assertRegex(rma.name, r"^RMA/\d{4}/\d{5}$")
        self.assertAlmostEqual(rma.amount_total, 400.0)

        self._approve(rma)
        self.assertEqual(len(rma.approval_ids.filtered(lambda a: a.step == "manager")), 1)
        receipt = self._receipt(rma)
        self.assertEqual(len(receipt), 1)
        move = receipt.move_ids
        self.assertEqual(move.location_id, self.customer_loc)
        self.assertEqual(move.location_dest_id, self.input_loc)
        self.assertEqual(
            move.origin_returned_move_id,
            order.picking_ids.move_ids.filtered(lambda m: m.location_dest_id == self.customer_loc),
        )
        self.assertTrue(move.to_refund)
        self.assertEqual(move.move_line_ids.lot_id, self.lot1)

        self._receive(rma)
        self.assertEqual(rma.state, "received")
        self.assertEqual(rma.line_ids.qty_received, 4)
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot1), 4)
        self.assertEqual(self._qty(self.mould, self.stock_loc), 0)
        # Undecided goods do not change the delivered quantity yet.
        self.assertEqual(sale_line.qty_delivered, 10)

        self._decide(rma, "refund")
        self.assertEqual(rma.line_ids.destination, "defective")
        self.assertEqual(sale_line.qty_delivered, 6)
        self.assertEqual(rma.line_ids.qty_to_credit, 4)
        rma.with_user(self.user_cs).action_judge()
        self.assertEqual(rma.state, "judged")
        rma.with_user(self.user_cs).action_process()
        self.assertEqual(rma.state, "processing")
        routing = self._pickings_of_kind(rma, "routing")
        self.assertEqual(routing.location_dest_id, self.defective_loc)
        self.assertEqual(routing.move_ids.move_line_ids.lot_id, self.lot1)
        self._validate(routing)
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot1), 0)
        self.assertEqual(self._qty(self.mould, self.defective_loc, self.lot1), 4)
        self.assertEqual(rma.line_ids.qty_routed, 4)
        self.assertEqual(rma.state, "done")
        self.assertEqual(sale_line.qty_delivered, 6)

    def test_replace_flow_keeps_delivered_quantity(self):
        order = self._deliver(self.dealer_b, [(self.connector, 6, None)])
        sale_line = order.order_line
        rma = self._create_rma(order)
        rma.line_ids.quantity = 2
        self._approve(rma)
        self._receive(rma)
        self.assertEqual(sale_line.qty_delivered, 6)
        self._decide(rma, "replace")
        rma.action_judge()
        self._put_in_stock(self.connector, 5)
        rma.action_process()
        replacement = self._pickings_of_kind(rma, "replacement")
        routing = self._pickings_of_kind(rma, "routing")
        self.assertEqual(replacement.location_id, self.stock_loc)
        self.assertEqual(replacement.location_dest_id, self.customer_loc)
        self.assertEqual(replacement.move_ids.product_uom_qty, 2)
        self.assertFalse(replacement.move_ids.sale_line_id)
        self._validate(routing)
        self.assertEqual(rma.state, "processing", "replacement not shipped yet")
        self._validate(replacement)
        self.assertEqual(self._qty(self.connector, self.stock_loc), 3)
        self.assertEqual(self._qty(self.connector, self.defective_loc), 2)
        self.assertEqual(rma.line_ids.qty_replaced, 2)
        self.assertEqual(sale_line.qty_delivered, 6)
        self.assertEqual(rma.state, "done")

    def test_repair_flow_goods_back_to_customer(self):
        order = self._deliver(self.dealer_b, [(self.mould, 3, self.lot2)])
        sale_line = order.order_line
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "repair")
        self.assertEqual(rma.line_ids.destination, "customer")
        rma.action_judge()
        rma.action_process()
        repair = rma.repair_ids
        self.assertEqual(len(repair), 1)
        self.assertEqual(repair.product_location_src_id, self.input_loc)
        self.assertEqual(repair.lot_id, self.lot2)
        self.assertEqual(repair.product_qty, 3)
        self.assertTrue(repair.under_warranty)
        self.assertEqual(repair.state, "confirmed")
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(rma.line_ids.qty_repaired, 3)
        send_back = self._pickings_of_kind(rma, "send_back")
        self.assertEqual(send_back.location_id, self.warehouse.rma_repaired_loc_id)
        self.assertEqual(send_back.move_ids.move_line_ids.lot_id, self.lot2)
        self._validate(send_back)
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot2), 0)
        self.assertEqual(rma.line_ids.qty_returned, 3)
        self.assertEqual(sale_line.qty_delivered, 3)
        self.assertEqual(rma.state, "done")

    def test_return_only_goes_to_slow_moving(self):
        order = self._deliver(self.customer_c, [(self.connector, 50, None)])
        rma = self._create_rma(order, criteria=False, criterion_d=True)
        rma.line_ids.write(
            {"quantity": 20, "reason_id": self.env.ref("rma_factory.reason_wrong_model").id}
        )
        self.assertEqual(rma.line_ids.requested_outcome, "return_only")
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "return_only")
        self.assertEqual(rma.line_ids.destination, "slow_moving")
        with self.assertRaises(UserError):
            # the reason does not allow a replacement
            rma.line_ids.decided_outcome = "replace"
            rma.action_judge()
        self._decide(rma, "return_only")
        rma.action_judge()
        rma.action_process()
        self.assertFalse(self._pickings_of_kind(rma, "replacement"))
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(self._qty(self.connector, self.slow_loc), 20)
        self.assertEqual(order.order_line.qty_delivered, 30)
        self.assertEqual(rma.line_ids.qty_to_credit, 20)
        self.assertEqual(rma.state, "done")

    def test_send_back_returns_goods_as_is(self):
        order = self._deliver(self.customer_c, [(self.mould, 1, self.lot1)])
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "send_back")
        rma.action_judge()
        rma.action_process()
        send_back = self._pickings_of_kind(rma, "send_back")
        self.assertEqual(send_back.location_dest_id, self.customer_loc)
        self._validate(send_back)
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot1), 0)
        self.assertEqual(order.order_line.qty_delivered, 1)
        self.assertEqual(rma.state, "done")

    def test_split_repair_and_scrap_with_replacement(self):
        """AS-02: 5 received; 3 repaired and returned, 2 scrapped (after the
        RMA Approver) and replaced; the order stays delivered 5."""
        order = self._deliver(self.dealer_b, [(self.mould, 5, self.lot2)])
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        line = rma.line_ids
        self._decide(rma, "repair")
        new_line = line._split(2, {"decided_outcome": "replace", "destination": "scrap"})
        self.assertEqual(line.quantity, 3)
        self.assertEqual(line.qty_received, 3)
        self.assertEqual(new_line.qty_received, 2)
        self.assertEqual(new_line.lot_id, self.lot2)
        rma.action_judge()
        with self.assertRaises(UserError):
            rma.action_process()
        with self.assertRaises(AccessError):
            new_line.with_user(self.user_mgr).action_approve_outcome()
        new_line.with_user(self.user_gm).action_approve_outcome()
        self.assertTrue(new_line.outcome_approved)
        self.assertEqual(new_line.outcome_approved_by, self.user_gm)
        lot3 = self.env["stock.lot"].create({"name": "L3", "product_id": self.mould.id})
        self._put_in_stock(self.mould, 2, lot3)
        rma.action_process()
        self.assertEqual(new_line.qty_scrapped, 2)
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot2), 3)
        replacement = self._pickings_of_kind(rma, "replacement")
        self._validate(replacement)
        self.assertEqual(self._qty(self.mould, self.stock_loc, lot3), 0)
        repair = rma.repair_ids
        repair.action_repair_start()
        repair.action_repair_end()
        self._validate(self._pickings_of_kind(rma, "send_back"))
        self.assertEqual(self._qty(self.mould, self.input_loc), 0)
        self.assertEqual(line.qty_returned, 3)
        self.assertEqual(new_line.qty_replaced, 2)
        self.assertEqual(order.order_line.qty_delivered, 5)
        self.assertEqual(rma.state, "done")

    def test_partial_receipt_with_backorder(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        rma = self._create_rma(order)
        rma.line_ids.quantity = 5
        self._approve(rma)
        receipt = self._receipt(rma)
        self._validate(receipt, quantities={receipt.move_ids: 3})
        self.assertEqual(rma.state, "received")
        self.assertEqual(rma.line_ids.qty_received, 3)
        self.assertEqual(rma.line_ids.qty_pending_receipt, 2)
        self._decide(rma, "refund")
        rma.action_judge()
        rma.action_process()
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(rma.state, "processing", "2 units are still awaited")
        backorder = self._receipt(rma).filtered(lambda p: p.state not in ("done", "cancel"))
        self.assertEqual(backorder.move_ids.product_uom_qty, 2)
        self.assertEqual(backorder.move_ids.rma_line_id, rma.line_ids)
        self._validate(backorder)
        rma.action_process()
        self._validate(self._pickings_of_kind(rma, "routing").filtered(lambda p: p.state != "done"))
        self.assertEqual(self._qty(self.connector, self.defective_loc), 5)
        self.assertEqual(order.order_line.qty_delivered, 5)
        self.assertEqual(rma.state, "done")

    def test_replenish_first_ships_at_approval(self):
        """AS-03: replacement created at approval, pending return tracked,
        promised date becomes the replacement's scheduled date."""
        order = self._deliver(self.dealer_a, [(self.connector, 6, None)])
        rma = self._create_rma(order, replenish_first=True)
        rma.line_ids.requested_outcome = "replace"
        self.assertEqual(rma.customer_class, "a")
        self._put_in_stock(self.connector, 6)
        self._approve(rma)
        replacement = self._pickings_of_kind(rma, "replacement")
        self.assertEqual(replacement.move_ids.product_uom_qty, 6)
        self.assertTrue(self._receipt(rma))
        self.assertEqual(rma.line_ids.qty_pending_return, 6)
        self.assertTrue(rma.promise_deadline)
        promised = rma.date_approved.replace(microsecond=0) + timedelta(days=1)
        rma.promised_date = promised
        self.assertEqual(replacement.scheduled_date, promised)
        self._validate(replacement)
        self.assertEqual(order.order_line.qty_delivered, 6)
        self._receive(rma)
        self.assertEqual(rma.line_ids.qty_pending_return, 0)
        self._decide(rma, "replace")
        rma.action_judge()
        rma.action_process()
        self.assertEqual(
            len(self._pickings_of_kind(rma, "replacement")), 1, "no second replacement"
        )
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(self._qty(self.connector, self.defective_loc), 6)
        self.assertEqual(order.order_line.qty_delivered, 6)
        self.assertEqual(rma.state, "done")

    def test_cancel_before_and_after_receipt(self):
        order = self._deliver(self.customer_c, [(self.connector, 4, None)])
        rma = self._create_rma(order)
        rma.line_ids.quantity = 2
        self._approve(rma)
        receipt = self._receipt(rma)
        rma.action_cancel()
        self.assertEqual(rma.state, "cancelled")
        self.assertEqual(receipt.state, "cancel")
        rma.action_draft()
        self.assertEqual(rma.state, "draft")
        self._approve(rma)
        self._receive(rma)
        with self.assertRaises(UserError):
            rma.action_cancel()
        self.assertEqual(rma.state, "received")

    def test_create_from_delivery_and_invoice(self):
        order = self._deliver(
            self.customer_c, [(self.connector, 4, None), (self.mould, 2, self.lot1)]
        )
        action = order.picking_ids.action_create_rma()
        rma = self.env["factory.rma"].browse(action["res_id"])
        self.assertEqual(rma.picking_id, order.picking_ids)
        self.assertEqual(sorted(rma.line_ids.mapped("quantity")), [2, 4])
        rma.unlink()
        order._create_invoices()
        invoice = order.invoice_ids
        invoice.action_post()
        action = invoice.action_create_rma()
        rma = self.env["factory.rma"].browse(action["res_id"])
        self.assertEqual(rma.invoice_id, invoice)
        self.assertEqual(rma.line_ids.invoice_line_id, invoice.invoice_line_ids)
        self.assertEqual(sorted(rma.line_ids.mapped("quantity")), [2, 4])
        self.assertAlmostEqual(rma.amount_total, 4 * 15 + 2 * 100)
