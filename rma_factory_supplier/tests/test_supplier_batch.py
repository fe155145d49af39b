from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SupplierCommon


@tagged("post_install", "-at_install")
class TestSupplierBatch(SupplierCommon):
    """The supplier return's buttons on a list of returns (issue #12): the
    transfers and vendor documents are created together, each return gets
    its own, and returns confirmed together never take more of the
    defective store than it holds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.quality_inspection = False
        cls.po, cls.bill, cls.lot = cls._purchase(10, "LP1")

    def setUp(self):
        super().setUp()
        order = self._deliver_from_stock(self.dealer_b, self.power, 3, self.lot)
        lines = self._defective_lines(order, self.lot, 3)
        Return = self.env["factory.rma.supplier.return"]
        self.returns = Return.browse(
            [line.with_user(self.user_qi).action_return_to_supplier()["res_id"] for line in lines]
        )
        self.assertEqual(self.returns.mapped("qty_defective"), [1.0, 1.0, 1.0])
        self.assertEqual(self._qty(self.power, self.defective_loc, self.lot), 3)

    def _message_bodies(self, sreturn):
        return " ".join(sreturn.message_ids.mapped("body"))

    def test_list_actions_give_each_return_its_documents(self):
        returns = self.returns.with_user(self.user_qi)
        returns.action_confirm()
        self.assertEqual(set(returns.mapped("state")), {"confirmed"})
        for sreturn in self.returns:
            picking = sreturn.picking_ids
            self.assertEqual(len(picking), 1)
            self.assertEqual(picking.move_ids.rma_supplier_return_id, sreturn)
            self.assertEqual(picking.move_ids.move_line_ids.lot_id, self.lot)
            self.assertEqual(picking.state, "assigned")
            self.assertIn(picking.name, self._message_bodies(sreturn))
            for other in self.returns - sreturn:
                self.assertNotIn(picking.name, self._message_bodies(other))
        self._validate_all(self.returns.picking_ids)
        self.assertEqual(set(self.returns.mapped("state")), {"done"})
        self.assertEqual(self.po.order_line.qty_received, 7)

        self.returns.with_user(self.user_cs).action_create_vendor_credit_note()
        notes = self.returns.sudo().vendor_move_ids
        self.assertEqual(len(notes), 3)
        for sreturn in self.returns:
            note = sreturn.sudo().vendor_move_ids
            self.assertEqual(len(note), 1)
            self.assertEqual(note.invoice_line_ids.quantity, 1)
            self.assertIn(note.display_name, self._message_bodies(sreturn))
        notes.button_cancel()

        self.returns.with_user(self.user_qi).action_request_replacement()
        for sreturn in self.returns:
            receipt = sreturn.replacement_picking_ids
            self.assertEqual(len(receipt), 1)
            self.assertEqual(receipt.move_ids.product_uom_qty, 1)
            self.assertIn(receipt.name, self._message_bodies(sreturn))

        self.returns[:2].with_user(self.user_cs).write({"cost_freight": 25.0})
        self.returns[2].with_user(self.user_cs).write({"cost_freight": 40.0})
        self.returns.with_user(self.user_cs).action_create_vendor_debit_note()
        for sreturn, amount in zip(self.returns, (25.0, 25.0, 40.0), strict=True):
            debit = sreturn.sudo().vendor_move_ids.filtered(
                lambda m: m.rma_supplier_recovery == "costs"
            )
            self.assertEqual(debit.amount_total, amount)

    def test_returns_confirmed_together_share_the_store(self):
        """One unit of the lot left the defective store (scrapped): each
        return alone fits, the three together do not, and confirming them
        together is refused without any transfer."""
        self.env["stock.quant"]._update_available_quantity(
            self.power, self.defective_loc, -1, lot_id=self.lot
        )
        self.assertEqual(self._qty(self.power, self.defective_loc, self.lot), 2)
        with self.assertRaises(UserError) as caught:
            self.returns.with_user(self.user_qi).action_confirm()
        self.assertIn("defective store", str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual(set(self.returns.mapped("state")), {"draft"})
        self.assertFalse(self.returns.move_ids)
        self.assertFalse(
            self.env["stock.move.line"]
            .search([("lot_id", "=", self.lot.id), ("location_id", "=", self.defective_loc.id)])
            .filtered(lambda ml: ml.state != "done"),
            "nothing reserved",
        )
        # two of them fit
        self.returns[:2].with_user(self.user_qi).action_confirm()
        self.assertEqual(set(self.returns[:2].mapped("state")), {"confirmed"})
        with self.assertRaises(UserError):
            self.returns[2].with_user(self.user_qi).action_confirm()
