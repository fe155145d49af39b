from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaManualEntry(RmaCommon):
    """An RMA keyed in by hand, as README step 1 says (issue #9, item 1)."""

    def test_add_line_by_hand_without_product_first(self):
        """ "Add a line" on a new RMA opens an empty line: no product, no
        unit yet. The onchanges of the form must not compare quantities with
        a rounding of 0."""
        form = Form(self.env["factory.rma"].with_user(self.user_cs))
        form.partner_id = self.dealer_b
        with form.line_ids.new() as line:
            # the empty line is computed before any product is chosen
            self.assertFalse(line.product_id)
            self.assertFalse(line.is_resolved)
            line.product_id = self.connector
            line.quantity = 3
        rma = form.save()
        self.assertEqual(rma.state, "draft")
        self.assertEqual(rma.line_ids.product_id, self.connector)
        self.assertEqual(rma.line_ids.quantity, 3)
        self.assertEqual(rma.line_ids.product_uom_id, self.connector.uom_id)
        self.assertEqual(rma.line_ids.price_unit, 15.0)

    def test_add_line_by_hand_on_existing_rma(self):
        # a factory that tracks lots has the lots setting on for its users
        self.user_cs.groups_id += self.env.ref("stock.group_production_lot")
        rma = (
            self.env["factory.rma"].with_user(self.user_cs).create({"partner_id": self.dealer_b.id})
        )
        with Form(rma) as form:
            with form.line_ids.new() as line:
                self.assertFalse(line.is_resolved)
                self.assertEqual(line.qty_to_credit, 0)
                line.product_id = self.mould
                line.lot_id = self.lot1
                line.quantity = 2
        self.assertEqual(rma.line_ids.lot_id, self.lot1)
        self.assertEqual(rma.amount_total, 200.0)


@tagged("post_install", "-at_install")
class TestRmaCancelledTransfers(RmaCommon):
    """Issue #9 item 6: cancelling an RMA transfer re-evaluates the RMA as
    validating one does."""

    def test_cancelled_receipt_backorder_closes_the_rma(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        rma = self._create_rma(order)
        self._approve(rma)
        receipt = self._receipt(rma)
        self._validate(receipt, quantities={receipt.move_ids: 8})
        self.assertEqual(rma.line_ids.qty_pending_receipt, 2)
        self._decide(rma, "refund", "defective")
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(rma.state, "processing", "2 units are still awaited")
        backorder = self._receipt(rma).filtered(lambda p: p.state not in ("done", "cancel"))
        self.assertEqual(backorder.move_ids.product_uom_qty, 2)
        # the customer keeps the last 2: the RMA Manager cancels the backorder
        backorder.with_user(self.user_mgr).action_cancel()
        line = rma.line_ids
        self.assertEqual((line.qty_received, line.qty_pending_receipt, line.qty_routed), (8, 0, 8))
        self.assertTrue(line.is_resolved)
        self.assertEqual(rma.state, "done")
        self.assertEqual(self._qty(self.connector, self.defective_loc), 8)
        self.assertEqual(order.order_line.qty_delivered, 2, "8 of 10 credited")

    def test_cancelled_routing_reopens_processing_documents(self):
        """A routing transfer cancelled by the warehouse leaves the goods in
        RMA/Input: the line is not resolved and Process Outcomes creates the
        transfer again."""
        order = self._deliver(self.customer_c, [(self.connector, 4, None)])
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "return_only", "slow_moving")
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        routing = self._pickings_of_kind(rma, "routing")
        routing.with_user(self.user_stock).action_cancel()
        self.assertEqual(rma.state, "processing")
        self.assertEqual(rma.line_ids.qty_processed, 0)
        self.assertFalse(rma.line_ids.is_resolved)
        rma.with_user(self.user_cs).action_process()
        new_routing = self._pickings_of_kind(rma, "routing").filtered(lambda p: p.state != "cancel")
        self._validate(new_routing)
        self.assertEqual(self._qty(self.connector, self.slow_loc), 4)
        self.assertEqual(rma.state, "done")


@tagged("post_install", "-at_install")
class TestRmaReceiptCap(RmaCommon):
    """Issue #10: receipts never exceed the authorised quantity; a surplus
    needs an RMA Manager; credits and replacements are capped by the
    accepted quantity."""

    def test_receipt_above_authorised_refused_then_surplus_accepted(self):
        order = self._deliver(self.customer_c, [(self.connector, 12, None)])
        rma = self._create_rma(order)
        self._set_line_qty(rma, 10)
        self._approve(rma)
        receipt = self._receipt(rma)
        line = rma.line_ids
        with self.assertRaises(UserError) as cm:
            self._validate(receipt, quantities={receipt.move_ids: 12})
        self.assertIn("authorises 10", str(cm.exception))
        self.env.invalidate_all()
        self.assertEqual(receipt.state, "assigned", "nothing validated")
        self.assertEqual(self._qty(self.connector, self.input_loc), 0)
        self.assertEqual(line.qty_received, 0)
        # customer service cannot accept the surplus, the manager can
        with self.assertRaises(AccessError):
            line.with_user(self.user_cs)._authorise_surplus(2, "Customer sent two more")
        surplus = line.with_user(self.user_mgr)._authorise_surplus(2, "Customer sent two more")
        self.assertEqual(surplus.quantity, 2)
        self.assertEqual(surplus.surplus_of_id, line)
        self.assertEqual(len(receipt.move_ids), 2, "the surplus has a receipt move of its own")
        self.assertIn("surplus", rma.approval_ids.mapped("step"))
        quantities = {m: (10 if m.rma_line_id == line else 2) for m in receipt.move_ids}
        self._validate(receipt, quantities=quantities)
        self.assertEqual((line.qty_received, surplus.qty_received), (10, 2))
        self.assertEqual(self._qty(self.connector, self.input_loc), 12)
        # the surplus counts against what was delivered
        with self.assertRaises(UserError):
            line.with_user(self.user_mgr)._authorise_surplus(1, "one more")

    def test_surplus_beyond_delivery_refused(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        rma = self._create_rma(order)
        self._approve(rma)
        with self.assertRaises(ValidationError) as cm:
            rma.line_ids.with_user(self.user_mgr)._authorise_surplus(2, "Two more came")
        self.assertIn("more", str(cm.exception))
        self.env.invalidate_all()
        self.assertEqual(len(rma.line_ids), 1)
        self.assertEqual(len(self._receipt(rma).move_ids), 1)
