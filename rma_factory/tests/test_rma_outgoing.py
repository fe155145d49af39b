import re

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaOutgoing(RmaCommon):
    """Upstream of the return (issue #14, part B): repaired goods through
    RMA/Repaired with their repaired mark, repair parts from the slow-moving
    store, the remake of a replacement through a make-to-order route, and
    the sell-off of defective goods."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.repaired_loc = cls.warehouse.rma_repaired_loc_id
        cls.user_stock.groups_id += cls.env.ref("stock.group_production_lot")
        cls.pin = cls.env["product.product"].create(
            {"name": "Insert pin", "is_storable": True, "standard_price": 2.0}
        )

    # ------------------------------------------------------------------
    # Repaired goods
    # ------------------------------------------------------------------
    def _repaired_rma(self):
        """AS-02: 3 × M-100 L2 repaired; its send-back is not validated yet."""
        order = self._deliver(self.dealer_b, [(self.mould, 3, self.lot2)])
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "repair")
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        return order, rma

    def test_repaired_goods_through_repaired_store_with_mark(self):
        self.assertTrue(self.repaired_loc)
        self.assertEqual(self.repaired_loc.warehouse_id, self.warehouse)
        self.assertFalse(self.repaired_loc._child_of(self.stock_loc))
        order, rma = self._repaired_rma()
        repair = rma.repair_ids
        self.assertEqual(repair.product_location_src_id, self.input_loc)
        self.assertEqual(repair.product_location_dest_id, self.repaired_loc)
        self.assertFalse(self.lot2.rma_repaired)
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot2), 0)
        self.assertEqual(self._qty(self.mould, self.repaired_loc, self.lot2), 3)
        # the lot carries the repaired mark with the RMA and the repair
        self.assertTrue(self.lot2.rma_repaired)
        self.assertIn(rma.name, self.lot2.rma_repaired_note)
        self.assertIn(repair.name, self.lot2.rma_repaired_note)
        # the goods leave RMA/Repaired with their lot, marked on the transfer
        send_back = self._pickings_of_kind(rma, "send_back")
        self.assertEqual(send_back.location_id, self.repaired_loc)
        self.assertEqual(send_back.move_line_ids.lot_id, self.lot2)
        self.assertTrue(send_back.with_user(self.user_stock).move_line_ids.rma_lot_repaired)
        self._validate(send_back)
        self.assertEqual(self._qty(self.mould, self.repaired_loc, self.lot2), 0)
        self.assertEqual(self._qty(self.mould, self.customer_loc, self.lot2), 3)
        self.assertEqual(rma.line_ids.qty_returned, 3)
        self.assertEqual(order.order_line.qty_delivered, 3)
        self.assertEqual(rma.state, "done")
        # a later return of the same lot shows the mark on its line
        again = self.env["factory.rma"].create(
            {
                "partner_id": self.dealer_b.id,
                "line_ids": [
                    Command.create(
                        {"product_id": self.mould.id, "lot_id": self.lot2.id, "quantity": 1}
                    )
                ],
            }
        )
        self.assertTrue(again.line_ids.with_user(self.user_cs).lot_repaired)
        # and so does a later delivery of that lot
        self._put_in_stock(self.mould, 1, self.lot2)
        later = self.env["sale.order"].create(
            {
                "partner_id": self.customer_c.id,
                "order_line": [Command.create({"product_id": self.mould.id, "product_uom_qty": 1})],
            }
        )
        later.action_confirm()
        delivery_line = later.picking_ids.move_line_ids
        self.assertEqual(delivery_line.lot_id, self.lot2)
        self.assertTrue(delivery_line.with_user(self.user_stock).rma_lot_repaired)

    def _delivery_slip(self, picking, user):
        html = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html("stock.action_report_delivery", picking.ids)[0]
            .decode()
        )
        return " ".join(re.sub(r"<[^>]+>", "", html).split())

    def test_delivery_slip_shows_repaired_goods(self):
        """STK-08: the delivery slip of repaired goods says so, with the lot,
        whether the slip prints lots or not; other goods are not marked."""
        _order, rma = self._repaired_rma()
        repair = rma.repair_ids
        repair.action_repair_start()
        repair.action_repair_end()
        send_back = self._pickings_of_kind(rma, "send_back")
        # before validation: the list of repaired goods under the moves
        text = self._delivery_slip(send_back, self.user_stock)
        self.assertIn("Repaired goods: repaired after a customer return.", text)
        self.assertIn(f"{self.mould.display_name} ({self.lot2.name}): 3.00 Units", text)
        self._validate(send_back)
        text = self._delivery_slip(send_back, self.user_stock)
        self.assertIn("Repaired goods: repaired after a customer return.", text)
        # a slip that prints lots marks the repaired one in its lot column
        self.user_stock.groups_id += self.env.ref("stock.group_lot_on_delivery_slip")
        text = self._delivery_slip(send_back, self.user_stock)
        self.assertIn(f"{self.lot2.name} (Repaired goods)", text)
        self.assertNotIn("repaired after a customer return", text)
        # an ordinary delivery of other goods carries no mark
        other = self._deliver(self.customer_c, [(self.mould, 2, self.lot1)])
        text = self._delivery_slip(other.picking_ids, self.user_stock)
        self.assertIn(self.lot1.name, text)
        self.assertNotIn("Repaired goods", text)
        # untracked goods taken from RMA/Repaired are repaired goods too
        line = send_back.move_line_ids
        self.assertTrue(line.rma_repaired_goods)
        self.assertFalse(other.picking_ids.move_line_ids.rma_repaired_goods)

    def test_repair_parts_from_slow_moving_store_first(self):
        """STK-15: the slow-moving store holds 5 pins: a repair needing 2
        takes them there; one needing 10 more than it holds takes them from
        WH/Stock."""
        self._put_in_stock(self.pin, 5, location=self.slow_loc)
        self._put_in_stock(self.pin, 20)
        _order, rma = self._repaired_rma()
        repair = rma.repair_ids
        repair.write(
            {
                "move_ids": [
                    Command.create(
                        {
                            "repair_line_type": "add",
                            "product_id": self.pin.id,
                            "product_uom_qty": 2,
                        }
                    ),
                    Command.create(
                        {
                            "repair_line_type": "add",
                            "product_id": self.pin.id,
                            "product_uom_qty": 10,
                        }
                    ),
                ]
            }
        )
        small = repair.move_ids.filtered(lambda m: m.product_uom_qty == 2)
        large = repair.move_ids.filtered(lambda m: m.product_uom_qty == 10)
        self.assertEqual(small.location_id, self.slow_loc)
        self.assertEqual(large.location_id, self.stock_loc)
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(self._qty(self.pin, self.slow_loc), 3)
        self.assertEqual(self._qty(self.pin, self.stock_loc), 10)

    def test_repair_parts_of_other_repairs_stay_in_stock(self):
        """A repair order that is no RMA's takes its parts where it always
        did."""
        self._put_in_stock(self.pin, 5, location=self.slow_loc)
        self._put_in_stock(self.pin, 5)
        self._put_in_stock(self.connector, 1)
        repair = self.env["repair.order"].create(
            {
                "product_id": self.connector.id,
                "picking_type_id": self.warehouse.repair_type_id.id,
                "move_ids": [
                    Command.create(
                        {"repair_line_type": "add", "product_id": self.pin.id, "product_uom_qty": 1}
                    )
                ],
            }
        )
        self.assertEqual(repair.move_ids.location_id, self.stock_loc)

    # ------------------------------------------------------------------
    # Remake
    # ------------------------------------------------------------------
    def test_remake_through_make_to_order_route(self):
        """AS-16 / REPL-06, REPL-15: no connector in stock; the connector is
        bought to order: the replacement creates a purchase order, planning
        gets a remake activity; once the goods are received the replacement
        is reserved and customer service hears it is ready."""
        if "purchase.order" not in self.env:
            self.skipTest("needs purchase_stock")
        planner = new_test_user(self.env, login="rma_planner", groups="stock.group_stock_manager")
        remake_type = self.env.ref("rma_factory.mail_activity_type_rma_remake")
        ready_type = self.env.ref("rma_factory.mail_activity_type_rma_replacement_ready")
        remake_type.default_user_id = planner
        order = self._deliver(self.customer_c, [(self.connector, 5, None)])
        self.assertEqual(self._qty(self.connector, self.stock_loc), 0)
        vendor = self.env["res.partner"].create({"name": "Connector Supplier"})
        mto = self.env.ref("stock.route_warehouse0_mto")
        mto.active = True
        buy = self.env.ref("purchase_stock.route_warehouse0_buy")
        self.connector.write(
            {
                "route_ids": [Command.set((mto | buy).ids)],
                "seller_ids": [Command.create({"partner_id": vendor.id, "price": 7.0})],
            }
        )
        rma = self._create_rma(order, user_id=self.user_cs.id)
        rma.line_ids.quantity = 2
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "replace", "defective")
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        line = rma.line_ids
        replacement = line.move_ids.filtered(lambda m: m.rma_move_kind == "replacement")
        self.assertEqual(replacement.procure_method, "make_to_order")
        self.assertEqual(replacement.state, "waiting")
        purchase_line = self.env["purchase.order.line"].search(
            [("product_id", "=", self.connector.id), ("partner_id", "=", vendor.id)]
        )
        self.assertEqual(purchase_line.product_qty, 2)
        self.assertEqual(line.remake_state, "waiting")
        remake = rma.activity_ids.filtered(lambda a: a.activity_type_id == remake_type)
        self.assertEqual(remake.user_id, planner)
        self.assertIn(purchase_line.order_id.name, remake.note)
        self.assertFalse(rma.activity_ids.filtered(lambda a: a.activity_type_id == ready_type))
        # the promise logic still owns the replacement's date
        self.assertEqual(line.qty_replacement_planned, 2)
        # the vendor delivers
        purchase = purchase_line.order_id
        purchase.button_confirm()
        self._validate(purchase.picking_ids)
        self.assertEqual(replacement.state, "assigned")
        self.assertEqual(line.remake_state, "ready")
        self.assertFalse(rma.activity_ids.filtered(lambda a: a.activity_type_id == remake_type))
        ready = rma.activity_ids.filtered(lambda a: a.activity_type_id == ready_type)
        self.assertEqual(ready.user_id, self.user_cs)
        self._validate(replacement.picking_id)
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(line.qty_replaced, 2)
        self.assertEqual(self._qty(self.connector, self.defective_loc), 2)
        self.assertEqual(rma.state, "done")

    def test_replacement_from_stock_is_no_remake(self):
        order = self._deliver(self.customer_c, [(self.connector, 5, None)])
        self._put_in_stock(self.connector, 5)
        rma = self._create_rma(order)
        rma.line_ids.quantity = 2
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "replace", "defective")
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        self.assertFalse(rma.line_ids.remake_state)
        remake_type = self.env.ref("rma_factory.mail_activity_type_rma_remake")
        self.assertFalse(rma.activity_ids.filtered(lambda a: a.activity_type_id == remake_type))

    # ------------------------------------------------------------------
    # Sell-off
    # ------------------------------------------------------------------
    def _selloff_rma(self):
        """AS-16: 3 × M-100 L2 received, judged unrepairable and sold off."""
        order = self._deliver(self.dealer_b, [(self.mould, 3, self.lot2)])
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "sell_off")
        return rma

    def test_sell_off_order_delivers_from_defective_store(self):
        buyer = self.env["res.partner"].create({"name": "ScrapCo"})
        rma = self._selloff_rma()
        line = rma.line_ids
        self.assertEqual(line.destination, "defective")
        # the approval covers the buyer and the price
        with self.assertRaises(UserError) as cm:
            line.with_user(self.user_gm).action_approve_outcome()
        self.assertIn("buyer", str(cm.exception))
        self.env.invalidate_all()
        self.assertFalse(line.outcome_approved)
        line.with_user(self.user_cs).write(
            {"selloff_partner_id": buyer.id, "selloff_price_unit": 10.0}
        )
        with self.assertRaises(AccessError):
            line.with_user(self.user_mgr).action_approve_outcome()
        self.env.invalidate_all()
        self.assertFalse(line.outcome_approved)
        line.with_user(self.user_gm).action_approve_outcome()
        self.assertTrue(line.outcome_approved)
        rma.with_user(self.user_cs).action_judge()
        # the price is part of the approved decision: fixed once judged
        with self.assertRaises(UserError):
            line.with_user(self.user_cs).write({"selloff_price_unit": 1.0})
        rma.with_user(self.user_cs).action_process()
        self.assertFalse(line.selloff_order_ids)
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(self._qty(self.mould, self.defective_loc, self.lot2), 3)
        self.assertEqual(rma.state, "done")
        order = line.selloff_order_ids
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.partner_id, buyer)
        self.assertEqual(order.rma_selloff_line_id, line)
        self.assertEqual(order.order_line.product_uom_qty, 3)
        self.assertEqual(order.order_line.price_unit, 10.0)
        self.assertEqual(order.order_line.route_id, self.warehouse.rma_sell_off_route_id)
        delivery = order.picking_ids
        self.assertEqual(delivery.location_id, self.defective_loc)
        self.assertEqual(delivery.move_line_ids.lot_id, self.lot2)
        self.assertEqual(delivery.state, "assigned")
        self._validate(delivery)
        self.assertEqual(self._qty(self.mould, self.defective_loc, self.lot2), 0)
        self.assertEqual(order.order_line.qty_delivered, 3)
        self.assertIn(order.name, "\n".join(rma.message_ids.mapped("body")))

    def test_sell_off_price_cannot_be_negative(self):
        rma = self._selloff_rma()
        with self.assertRaises(ValidationError):
            rma.line_ids.with_user(self.user_cs).write({"selloff_price_unit": -1.0})
        self.env.invalidate_all()
        self.assertEqual(rma.line_ids.selloff_price_unit, 0.0)

    def test_new_price_needs_new_approval(self):
        buyer = self.env["res.partner"].create({"name": "ScrapCo"})
        rma = self._selloff_rma()
        line = rma.line_ids
        line.with_user(self.user_cs).write(
            {"selloff_partner_id": buyer.id, "selloff_price_unit": 10.0}
        )
        line.with_user(self.user_gm).action_approve_outcome()
        line.with_user(self.user_cs).write({"selloff_price_unit": 5.0})
        self.assertFalse(line.outcome_approved)
