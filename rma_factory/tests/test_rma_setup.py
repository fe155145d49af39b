from odoo.tests import tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaSetup(RmaCommon):
    def test_warehouse_rma_locations(self):
        wh = self.warehouse
        for loc in (wh.rma_input_loc_id, wh.rma_defective_loc_id, wh.rma_slow_loc_id):
            self.assertEqual(loc.usage, "internal")
            self.assertFalse(loc._child_of(wh.lot_stock_id), "RMA places are outside WH/Stock")
            self.assertEqual(loc.warehouse_id, wh)
        self.assertEqual(wh.rma_in_type_id.code, "incoming")
        self.assertEqual(wh.rma_in_type_id.default_location_dest_id, wh.rma_input_loc_id)
        self.assertEqual(wh.rma_int_type_id.code, "internal")
        self.assertEqual(wh.rma_out_type_id.code, "outgoing")
        self.assertEqual(wh.rma_in_type_id.sequence_id.prefix, f"{wh.code}/RMA-IN/")

    def test_new_warehouse_gets_rma_setup_once(self):
        wh = self.env["stock.warehouse"].create({"name": "Second", "code": "WH2"})
        self.assertTrue(wh.rma_input_loc_id and wh.rma_out_type_id and wh.rma_send_back_route_id)
        self.assertEqual(wh.rma_input_loc_id.complete_name, "WH2/RMA Input")
        self.assertEqual(wh.rma_input_loc_id.warehouse_id, wh)
        scrap = wh.rma_scrap_loc_id
        self.assertEqual(scrap.complete_name, "WH2/RMA Scrap")
        self.assertEqual((scrap.usage, scrap.scrap_location), ("inventory", True))
        input_loc, out_type = wh.rma_input_loc_id, wh.rma_out_type_id
        # the install / update routine goes through the same hooks: nothing twice
        self.env["stock.warehouse"]._rma_setup_existing_warehouses()
        self.assertEqual(
            (wh.rma_input_loc_id, wh.rma_out_type_id, wh.rma_scrap_loc_id),
            (input_loc, out_type, scrap),
        )
        # input, defective, slow-moving, repaired and scrap
        self.assertEqual(
            self.env["stock.location"].search_count(
                [("location_id", "=", wh.view_location_id.id), ("name", "like", "RMA")]
            ),
            5,
        )
        self.assertEqual(wh.rma_repaired_loc_id.complete_name, "WH2/RMA Repaired")
        self.assertEqual(wh.rma_repaired_route_id.rule_ids.location_src_id, wh.rma_repaired_loc_id)
        self.assertEqual(wh.rma_sell_off_route_id.rule_ids.location_src_id, wh.rma_defective_loc_id)
        self.assertEqual(
            self.env["stock.picking.type"].search_count(
                [("warehouse_id", "=", wh.id), ("sequence_code", "like", "RMA-")]
            ),
            3,
        )

    def test_warehouse_changes_keep_the_rma_setup_right(self):
        """Renaming, changing the delivery steps and archiving a warehouse go
        through Odoo's hooks, which now know the RMA types and route."""
        wh = self.env["stock.warehouse"].create({"name": "Third", "code": "WH3"})
        route = wh.rma_send_back_route_id
        rule = route.rule_ids.filtered("active")
        self.assertEqual(rule.location_src_id, wh.rma_input_loc_id)
        self.assertEqual(wh.rma_out_type_id.default_location_dest_id.usage, "customer")
        wh.write({"code": "WH3B", "name": "Third bis"})
        self.assertEqual(wh.rma_in_type_id.sequence_id.prefix, "WH3B/RMA-IN/")
        self.assertIn("Third bis", route.name)
        wh.delivery_steps = "pick_pack_ship"
        self.assertEqual(wh.rma_out_type_id.default_location_dest_id, wh.wh_pack_stock_loc_id)
        wh.delivery_steps = "pick_ship"
        self.assertEqual(wh.rma_out_type_id.default_location_dest_id, wh.wh_output_stock_loc_id)
        self.assertEqual(len(route.rule_ids.filtered("active")), 1)
        wh.active = False
        self.assertFalse(wh.rma_in_type_id.active)
        self.assertFalse(wh.rma_out_type_id.active)
        self.assertFalse(route.active)
        wh.active = True
        self.assertTrue(wh.rma_in_type_id.active and route.active)

    def test_sequence_per_company_and_year(self):
        rma = self.env["factory.rma"].create({"partner_id": self.customer_c.id})
        other = self.env["factory.rma"].create({"partner_id": self.customer_c.id})
        self.assertRegex(rma.name, r"^RMA/\d{4}/\d{5}$")
        self.assertEqual(int(other.name[-5:]), int(rma.name[-5:]) + 1)

    def test_kanban_columns_in_workflow_order_with_product_and_type(self):
        order = self._deliver(
            self.customer_c, [(self.connector, 4, None), (self.mould, 2, self.lot1)]
        )
        rma = self._create_rma(order, rma_type="complaint")
        groups = self.env["factory.rma"].read_group([], ["state"], ["state"])
        self.assertEqual(
            [g["state"] for g in groups],
            [
                "draft",
                "submitted",
                "approved",
                "received",
                "judged",
                "processing",
                "done",
                "rejected",
                "cancelled",
            ],
        )
        arch = self.env["factory.rma"].get_view(view_type="kanban")["arch"]
        self.assertIn('name="product_summary"', arch)
        self.assertIn('name="rma_type"', arch)
        self.assertEqual(rma.product_summary, "C-20 × 4, M-100 × 2")
