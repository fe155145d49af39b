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
        self.assertTrue(wh.rma_input_loc_id and wh.rma_out_type_id)
        input_loc = wh.rma_input_loc_id
        wh._rma_ensure_setup()
        self.assertEqual(wh.rma_input_loc_id, input_loc)
        self.assertEqual(
            self.env["stock.location"].search_count([("location_id", "=", wh.rma_view_loc_id.id)]),
            3,
        )

    def test_sequence_per_company_and_year(self):
        rma = self.env["factory.rma"].create({"partner_id": self.customer_c.id})
        other = self.env["factory.rma"].create({"partner_id": self.customer_c.id})
        self.assertRegex(rma.name, r"^RMA/\d{4}/\d{5}$")
        self.assertEqual(int(other.name[-5:]), int(rma.name[-5:]) + 1)
