from odoo import Command
from odoo.tests import tagged

from .common import RmaCommon

#: outcome -> (destination, bucket of the line that reaches the received qty)
OUTCOME_CASES = {
    "refund": ("defective", "qty_routed"),
    "return_only": ("slow_moving", "qty_routed"),
    "replace": ("defective", "qty_routed"),
    "send_back": ("customer", "qty_returned"),
    "repair": ("customer", "qty_returned"),
    "scrap": ("scrap", "qty_scrapped"),
    "sell_off": ("defective", "qty_routed"),
}


@tagged("post_install", "-at_install")
class TestRmaTwoLinesOneProduct(RmaCommon):
    """Two RMA lines of the same product never share a stock move (issue #9,
    item 2): one delivery of 20 moulds as lots L1 10 + L2 10, and two sale
    lines of connectors without lots, through every outcome."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_stock.groups_id += cls.env.ref("stock.group_production_lot")

    def _deliver_two_lots(self):
        """One sale line of 20 moulds delivered as L1 10 + L2 10."""
        return self._deliver_lots(self.customer_c, self.mould, [(self.lot1, 10), (self.lot2, 10)])

    def _deliver_two_sale_lines(self):
        """Two sale lines of 5 connectors each (no lots)."""
        self._put_in_stock(self.connector, 10)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_c.id,
                "order_line": [
                    Command.create({"product_id": self.connector.id, "product_uom_qty": 5}),
                    Command.create({"product_id": self.connector.id, "product_uom_qty": 5}),
                ],
            }
        )
        order.action_confirm()
        self._validate(order.picking_ids)
        return order

    def _approve_and_receive(self, rma, quantities):
        """Approve with the given quantity per line, receive everything and
        check that the receipt has one move per line with that line's lot."""
        for line, qty in zip(rma.line_ids.sorted("id"), quantities, strict=True):
            line.quantity = qty
        self._approve(rma)
        receipt = self._receipt(rma)
        self.assertEqual(len(receipt.move_ids), len(rma.line_ids), "one receipt move per line")
        for line in rma.line_ids:
            move = receipt.move_ids.filtered(lambda m, line=line: m.rma_line_id == line)
            self.assertEqual(len(move), 1)
            self.assertEqual(move.rma_move_kind, "receipt")
            self.assertEqual(move.product_uom_qty, line.quantity)
        self._receive(rma)
        self.assertEqual(rma.state, "received")
        for line in rma.line_ids:
            self.assertEqual(line.qty_received, line.quantity)
        return receipt

    def _run_outcome(self, rma, outcome, destination):
        self._decide(rma, outcome, destination)
        if outcome == "sell_off":
            buyer = self.env["res.partner"].create({"name": "ScrapCo"})
            rma.line_ids.with_user(self.user_cs).write(
                {"selloff_partner_id": buyer.id, "selloff_price_unit": 10.0}
            )
        rma.with_user(self.user_cs).action_judge()
        if outcome in ("scrap", "sell_off") or destination == "scrap":
            rma.line_ids.with_user(self.user_gm).action_approve_outcome()
        if outcome == "replace":
            if rma.line_ids.lot_id:
                lot3 = self.env["stock.lot"].create({"name": "L3", "product_id": self.mould.id})
                self._put_in_stock(self.mould, 10, lot3)
            else:
                self._put_in_stock(self.connector, 5)
        rma.with_user(self.user_cs).action_process()
        for repair in rma.repair_ids:
            self.assertEqual(repair.product_qty, repair.rma_line_id.quantity)
            self.assertEqual(repair.lot_id, repair.rma_line_id.lot_id)
            repair.action_repair_start()
            repair.action_repair_end()
        pending = rma.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for picking in pending:
            # every move of an outgoing RMA document belongs to one line and
            # carries that line's lot
            for move in picking.move_ids:
                self.assertEqual(len(move.rma_line_id), 1)
                if move.rma_move_kind != "replacement" and move.rma_line_id.lot_id:
                    self.assertEqual(move.move_line_ids.lot_id, move.rma_line_id.lot_id)
        self._validate(pending)

    def _assert_line_buckets(self, rma, outcome, bucket):
        for line in rma.line_ids:
            self.assertEqual(line.qty_received, line.quantity, f"{outcome}: received")
            self.assertEqual(
                line[bucket], line.quantity, f"{outcome}: {bucket} of {line.lot_id.name}"
            )
            for other in {"qty_routed", "qty_returned", "qty_scrapped"} - {bucket}:
                self.assertEqual(line[other], 0, f"{outcome}: {other}")
            if outcome == "replace":
                self.assertEqual(line.qty_replaced, line.quantity)
            if outcome == "repair":
                self.assertEqual(line.qty_repaired, line.quantity)
            moves = line.move_ids.filtered(lambda m: m.state == "done")
            self.assertTrue(all(m.rma_line_id == line for m in moves))
            self.assertTrue(line.is_resolved, f"{outcome}: line {line.lot_id.name} resolved")
        self.assertEqual(rma.state, "done", outcome)

    def _destination_location(self, destination):
        return {
            "defective": self.defective_loc,
            "slow_moving": self.slow_loc,
            "stock": self.stock_loc,
            "customer": self.customer_loc,
        }.get(destination)

    def test_two_lots_every_outcome(self):
        for outcome, (destination, bucket) in OUTCOME_CASES.items():
            with self.subTest(outcome=outcome):
                order = self._deliver_two_lots()
                rma = self._create_rma(order)
                self.assertEqual(rma.line_ids.lot_id, self.lot1 | self.lot2)
                l1 = rma.line_ids.filtered(lambda line: line.lot_id == self.lot1)
                l2 = rma.line_ids - l1
                # different quantities per lot: a merge would show at once
                l1.quantity, l2.quantity = 6, 4
                self._approve_and_receive(
                    rma, [line.quantity for line in rma.line_ids.sorted("id")]
                )
                self.assertEqual(self._qty(self.mould, self.input_loc, self.lot1), 6)
                self.assertEqual(self._qty(self.mould, self.input_loc, self.lot2), 4)
                self._run_outcome(rma, outcome, destination)
                self._assert_line_buckets(rma, outcome, bucket)
                self.assertEqual(self._qty(self.mould, self.input_loc, self.lot1), 0)
                self.assertEqual(self._qty(self.mould, self.input_loc, self.lot2), 0)
                location = self._destination_location(destination)
                if location and location.usage == "internal":
                    self.assertEqual(self._qty(self.mould, location, self.lot1), 6)
                    self.assertEqual(self._qty(self.mould, location, self.lot2), 4)
                    # clear the place for the next outcome
                    for lot in (self.lot1, self.lot2):
                        self.env["stock.quant"]._update_available_quantity(
                            self.mould, location, -self._qty(self.mould, location, lot), lot_id=lot
                        )
                delivered = order.order_line.qty_delivered
                credited = outcome in ("refund", "return_only")
                self.assertEqual(delivered, 10 if credited else 20, f"{outcome}: SO delivered")

    def test_two_sale_lines_without_lots_every_outcome(self):
        for outcome, (destination, bucket) in OUTCOME_CASES.items():
            with self.subTest(outcome=outcome):
                order = self._deliver_two_sale_lines()
                rma = self._create_rma(order)
                self.assertEqual(len(rma.line_ids), 2)
                self.assertEqual(rma.line_ids.sale_line_id, order.order_line)
                self._approve_and_receive(rma, [3, 2])
                self.assertEqual(self._qty(self.connector, self.input_loc), 5)
                self._run_outcome(rma, outcome, destination)
                self._assert_line_buckets(rma, outcome, bucket)
                self.assertEqual(self._qty(self.connector, self.input_loc), 0)
                location = self._destination_location(destination)
                if location and location.usage == "internal":
                    self.assertEqual(self._qty(self.connector, location), 5)
                    self.env["stock.quant"]._update_available_quantity(self.connector, location, -5)
                credited = outcome in ("refund", "return_only")
                first, second = order.order_line.sorted("id")
                self.assertEqual(first.qty_delivered, 2 if credited else 5, outcome)
                self.assertEqual(second.qty_delivered, 3 if credited else 5, outcome)

    def test_two_lots_split_outcomes_route_apart(self):
        """L1 refunded to the defective store, L2 returned only to the
        slow-moving store: two routing transfers, each line its own move."""
        order = self._deliver_two_lots()
        rma = self._create_rma(order)
        self._approve_and_receive(rma, [10, 10])
        l1 = rma.line_ids.filtered(lambda line: line.lot_id == self.lot1)
        l2 = rma.line_ids - l1
        self._decide(rma, "refund", "defective", lines=l1)
        self._decide(rma, "refund", "stock", lines=l2)
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        routing = self._pickings_of_kind(rma, "routing")
        self.assertEqual(len(routing.move_ids), 2)
        self._validate(routing)
        self.assertEqual((l1.qty_routed, l2.qty_routed), (10, 10))
        self.assertEqual(self._qty(self.mould, self.defective_loc, self.lot1), 10)
        self.assertEqual(self._qty(self.mould, self.stock_loc, self.lot2), 10)
        self.assertEqual(self._qty(self.mould, self.defective_loc, self.lot2), 0)
        self.assertEqual(rma.state, "done")
