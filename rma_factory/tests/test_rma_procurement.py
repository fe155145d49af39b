from odoo import Command
from odoo.tests import tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaProcurement(RmaCommon):
    """Issue #11: replacements, spare parts and send-backs are procured with
    a procurement group per RMA and the warehouse's rules, so the delivery
    steps (pick / pack / ship) and the product's routes apply; the RMA knows
    every move of the chain."""

    STEPS = {
        "ship_only": ("out_type_id",),
        "pick_ship": ("pick_type_id", "out_type_id"),
        "pick_pack_ship": ("pick_type_id", "pack_type_id", "out_type_id"),
    }

    def _validate_chain(self, rma, kind, expected_types):
        """Validate the legs of ``kind`` one after the other, as the
        warehouse does; check the operation types in order."""
        seen = []
        for _step in range(len(expected_types) + 1):
            moves = rma.line_ids.move_ids.filtered(
                lambda m: m.rma_move_kind == kind and m.state not in ("done", "cancel")
            )
            if not moves:
                break
            picking = moves.picking_id
            self.assertEqual(len(picking), 1, "one leg at a time")
            self.assertEqual(picking.rma_id, rma)
            seen.append(picking.picking_type_id)
            self._validate(picking)
        self.assertEqual(seen, [self.warehouse[name] for name in expected_types], f"{kind} legs")

    def test_replacement_and_send_back_through_every_delivery_step(self):
        for steps, legs in self.STEPS.items():
            with self.subTest(steps=steps):
                order = self._deliver(self.customer_c, [(self.connector, 10, None)])
                self.warehouse.delivery_steps = steps
                rma = self._create_rma(order)
                self._set_line_qty(rma, 5)
                self._approve(rma)
                self._receive(rma)
                line = rma.line_ids
                new_line = line._split(2, {"decided_outcome": "send_back"})
                self._decide(rma, "replace", "defective", lines=line)
                rma.with_user(self.user_cs).action_judge()
                self._put_in_stock(self.connector, 3)
                rma.with_user(self.user_cs).action_process()
                group = rma.procurement_group_id
                self.assertEqual(group.rma_id, rma)
                self.assertEqual(line.qty_replacement_planned, 3)
                self.assertEqual(new_line.qty_processed, 2)
                self._validate(self._pickings_of_kind(rma, "routing"))
                rma_legs = (
                    ("rma_out_type_id",) + legs[1:]
                    if steps != "ship_only"
                    else ("rma_out_type_id",)
                )
                self._validate_chain(rma, "send_back", rma_legs)
                self._validate_chain(rma, "replacement", legs)
                self.assertEqual((line.qty_replaced, new_line.qty_returned), (3, 2))
                # every leg belongs to its line, none to the sale order
                legs_moves = rma.line_ids.move_ids.filtered(
                    lambda m: m.rma_move_kind in ("replacement", "send_back")
                )
                self.assertEqual(len(legs_moves), 2 * len(legs))
                self.assertFalse(legs_moves.sale_line_id)
                for location in (
                    self.input_loc,
                    self.warehouse.wh_output_stock_loc_id,
                    self.warehouse.wh_pack_stock_loc_id,
                    self.stock_loc,
                ):
                    self.assertEqual(self._qty(self.connector, location), 0, location.name)
                self.assertEqual(self._qty(self.connector, self.defective_loc), 3)
                self.env["stock.quant"]._update_available_quantity(
                    self.connector, self.defective_loc, -3
                )
                self.assertEqual(order.order_line.qty_delivered, 10)
                self.assertEqual(rma.state, "done")
                self.warehouse.delivery_steps = "ship_only"

    def test_send_back_of_a_lot_through_two_steps(self):
        order = self._deliver(self.customer_c, [(self.mould, 3, self.lot1)])
        self.warehouse.delivery_steps = "pick_ship"
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "send_back")
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        first = self._pickings_of_kind(rma, "send_back")
        self.assertEqual(first.picking_type_id, self.warehouse.rma_out_type_id)
        self.assertEqual(first.location_id, self.input_loc)
        self.assertEqual(first.location_dest_id, self.warehouse.wh_output_stock_loc_id)
        self.assertEqual(first.move_ids.move_line_ids.lot_id, self.lot1)
        self._validate_chain(rma, "send_back", ("rma_out_type_id", "out_type_id"))
        self.assertEqual(rma.line_ids.qty_returned, 3)
        self.assertEqual(self._qty(self.mould, self.customer_loc, self.lot1), 3)
        self.assertEqual(rma.state, "done")

    def test_make_to_order_replacement_creates_a_purchase(self):
        """A replacement of a make-to-order, bought product: the route says
        buy, so a purchase order is created for the vendor; the replacement
        waits for it and ships when the goods arrive."""
        self.assertIn(
            "purchase.order", self.env, "setup/test.sh installs purchase_stock for this test"
        )
        mto = self.env.ref("stock.route_warehouse0_mto")
        mto.active = True
        buy = self.env.ref("purchase_stock.route_warehouse0_buy")
        vendor = self.env["res.partner"].create({"name": "Mould supplier"})
        special = self.env["product.product"].create(
            {
                "name": "S-9 special insert",
                "is_storable": True,
                "list_price": 80.0,
                "standard_price": 50.0,
                "seller_ids": [Command.create({"partner_id": vendor.id, "price": 50.0})],
            }
        )
        order = self._deliver(self.dealer_a, [(special, 4, None)])
        # from now on the product is made to order and bought
        special.route_ids = [Command.set((mto | buy).ids)]
        rma = self._create_rma(order, rma_type="shortage")
        self._set_line_qty(rma, 2)
        self._approve_no_goods(rma)
        replacement = rma.line_ids.move_ids.filtered(lambda m: m.rma_move_kind == "replacement")
        self.assertEqual(replacement.procure_method, "make_to_order")
        self.assertEqual(replacement.state, "waiting")
        purchase = self.env["purchase.order.line"].search([("product_id", "=", special.id)])
        self.assertEqual(purchase.product_qty, 2)
        self.assertEqual(purchase.order_id.partner_id, vendor)
        purchase.order_id.button_confirm()
        self._validate(purchase.order_id.picking_ids)
        self.assertEqual(replacement.state, "assigned")
        self._validate(replacement.picking_id)
        self.assertEqual(rma.line_ids.qty_replaced, 2)
        self.assertEqual(rma.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 4)

    def _approve_no_goods(self, rma):
        rma.with_user(self.user_cs).action_submit()
        rma.with_user(self.user_mgr).action_approve()

    def test_receipts_validated_together_follow_their_products_push_rules(self):
        """RMA receipts validated together search the push rule once per
        kind of move (same product, destination, routes): each product
        still follows its own route, and the pushed moves keep their RMA
        line."""
        bracket = self.env["product.product"].create(
            {"name": "Bracket", "is_storable": True, "categ_id": self.categ.id}
        )
        quarantine = self.env["stock.location"].create(
            {
                "name": "RMA Quarantine",
                "location_id": self.warehouse.view_location_id.id,
                "usage": "internal",
            }
        )
        route = self.env["stock.route"].create(
            {
                "name": "Returned connectors to quarantine",
                "product_selectable": True,
                "rule_ids": [
                    Command.create(
                        {
                            "name": "RMA input to quarantine",
                            "action": "push",
                            "location_src_id": self.input_loc.id,
                            "location_dest_id": quarantine.id,
                            "picking_type_id": self.warehouse.int_type_id.id,
                            "auto": "manual",
                        }
                    )
                ],
            }
        )
        self.connector.route_ids = [Command.link(route.id)]
        order = self._deliver(self.customer_c, [(self.connector, 2, None), (bracket, 2, None)])
        rmas = self.env["factory.rma"].create(
            [
                self._rma_vals_on_move(move)
                for move in order.picking_ids.move_ids
                for _unit in range(2)
            ]
        )
        rmas.with_user(self.user_cs).action_submit()
        rmas.with_user(self.user_mgr).action_approve()
        self.assertEqual(set(rmas.mapped("state")), {"approved"})
        receipts = {rma: rma.picking_ids.move_ids for rma in rmas}
        self.assertEqual([len(moves) for moves in receipts.values()], [1] * 4)
        self._validate_all(rmas.picking_ids)
        for rma, receipt in receipts.items():
            self.assertEqual(receipt.state, "done")
            self.assertEqual(receipt.location_dest_id, self.input_loc)
            pushed = receipt.move_dest_ids
            if rma.line_ids.product_id == self.connector:
                self.assertEqual(pushed.location_id, self.input_loc)
                self.assertEqual(pushed.location_dest_id, quarantine)
                self.assertEqual(pushed.product_uom_qty, 1)
                self.assertEqual(pushed.rma_line_id, rma.line_ids)
            else:
                self.assertFalse(pushed, "no push rule for brackets")
