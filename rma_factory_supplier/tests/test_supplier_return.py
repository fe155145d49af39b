from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SupplierCommon


@tagged("post_install", "-at_install")
class TestSupplierReturn(SupplierCommon):
    """Return to vendor (SUP-02, SUP-03, DEF-18, AS-24): a purchase return
    of the lot's vendor receipt from RMA/Defective, and for a batch defect
    the rest of the lot from WH/Stock."""

    def setUp(self):
        super().setUp()
        self.po, self.bill, self.lot = self._purchase(10, "LP1")
        self.order = self._deliver_from_stock(self.dealer_b, self.power, 4, self.lot)
        self.rma = self._supplier_judged_rma(self.order)
        self.line = self.rma.line_ids
        self.po_line = self.po.order_line

    def _at_vendor(self, product=None, lot=None):
        """Units of the lot delivered to the vendor's location."""
        lines = self.env["stock.move.line"].search(
            [
                ("product_id", "=", (product or self.power).id),
                ("lot_id", "=", (lot or self.lot).id),
                ("state", "=", "done"),
                ("location_dest_id", "=", self.vendor_loc.id),
                ("move_id.rma_supplier_move_kind", "=", "return"),
            ]
        )
        return sum(lines.mapped("quantity"))

    def test_purchase_return_from_defective_store(self):
        self.assertEqual(self._qty(self.power, self.defective_loc, self.lot), 4)
        self.assertEqual(self._qty(self.power, self.stock_loc, self.lot), 6)
        self.assertEqual(self.po_line.qty_received, 10)
        sreturn = self._open_return(self.line)
        self.assertEqual(sreturn.state, "draft")
        self.assertEqual(sreturn.partner_id, self.supplier)
        self.assertEqual(sreturn.lot_id, self.lot)
        self.assertEqual(sreturn.purchase_line_id, self.po_line)
        self.assertEqual(sreturn.origin_move_id, self.po.picking_ids.move_ids)
        self.assertEqual(sreturn.qty_defective, 4, "the defective units of the line are proposed")
        self.assertEqual(sreturn.qty_stock, 0)
        # a second click opens the same draft
        self.assertEqual(self._open_return(self.line, self.user_cs), sreturn)

        sreturn.with_user(self.user_qi).action_confirm()
        self.assertEqual(sreturn.state, "confirmed")
        picking = sreturn.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.location_id, self.defective_loc)
        self.assertEqual(picking.location_dest_id, self.vendor_loc)
        self.assertEqual(picking.move_ids.origin_returned_move_id, sreturn.origin_move_id)
        self.assertEqual(picking.move_ids.purchase_line_id, self.po_line)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(picking.move_ids.move_line_ids.lot_id, self.lot)
        # the warehouse ships it
        self._validate(picking)
        self.assertEqual(sreturn.state, "done")
        self.assertEqual(sreturn.qty_returned, 4)
        self.assertEqual(self._qty(self.power, self.defective_loc, self.lot), 0)
        self.assertEqual(self._at_vendor(), 4)
        self.assertEqual(self._qty(self.power, self.stock_loc, self.lot), 6, "stock untouched")
        self.assertEqual(self.po_line.qty_received, 6, "the purchase return lowers the receipt")
        self.assertEqual(self.rma.supplier_return_count, 1)

    def test_batch_defect_returns_the_lot_in_stock(self):
        sreturn = self._open_return(self.line)
        sreturn.with_user(self.user_qi).defect_scope = "batch"
        self.assertEqual(sreturn.qty_stock, 6, "the whole free lot in WH/Stock is proposed")
        self.assertEqual(sreturn.qty_stock_available, 6)
        sreturn.with_user(self.user_qi).action_confirm()
        pickings = sreturn.picking_ids
        self.assertEqual(
            sorted(pickings.mapped(lambda p: (p.location_id.id, p.move_ids.product_uom_qty))),
            sorted([(self.defective_loc.id, 4.0), (self.stock_loc.id, 6.0)]),
        )
        meeting = sreturn.activity_ids
        self.assertEqual(len(meeting), 1)
        self.assertEqual(
            meeting.activity_type_id,
            self.env.ref("rma_factory_supplier.mail_activity_type_supplier_meeting"),
        )
        self._validate(pickings)
        self.assertEqual(sreturn.state, "done")
        self.assertEqual(self._qty(self.power, self.stock_loc, self.lot), 0)
        self.assertEqual(self._qty(self.power, self.defective_loc, self.lot), 0)
        self.assertEqual(self._at_vendor(), 10)
        self.assertEqual(self.po_line.qty_received, 0)

    def _assert_refused(self, sreturn, user, error, message=None):
        """The confirmation is refused and leaves nothing: no transfer, still draft."""
        with self.assertRaises(error) as caught:
            sreturn.with_user(user).action_confirm()
        if message:
            self.assertIn(message, str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual(sreturn.state, "draft")
        self.assertFalse(sreturn.move_ids)
        self.assertFalse(
            self.env["stock.picking"].search([("origin", "like", sreturn.name)]),
            "no transfer half-created",
        )

    def test_refusals_leave_nothing(self):
        sreturn = self._open_return(self.line)
        # wrong role: the warehouse and accounting do not decide returns
        self._assert_refused(sreturn, self.user_stock, AccessError)
        self._assert_refused(sreturn, self.user_accountant, AccessError)
        with self.assertRaises(AccessError):
            self.line.with_user(self.user_stock).action_return_to_supplier()
        # excess quantity: 5 of 4 defective units
        sreturn.with_user(self.user_qi).qty_defective = 5
        self._assert_refused(sreturn, self.user_qi, UserError, "defective store")
        # units in stock only for a batch defect
        sreturn.with_user(self.user_qi).write({"qty_defective": 4, "qty_stock": 1})
        self._assert_refused(sreturn, self.user_qi, UserError, "batch defect")
        # more of the lot than is free in stock
        sreturn.with_user(self.user_qi).write({"defect_scope": "batch", "qty_stock": 7})
        self._assert_refused(sreturn, self.user_qi, UserError, "free in stock")
        # nothing to return
        sreturn.with_user(self.user_qi).write({"qty_defective": 0, "qty_stock": 0})
        self._assert_refused(sreturn, self.user_qi, UserError, "nothing to return")
        # the workflow fields are the buttons'
        with self.assertRaises(UserError):
            sreturn.with_user(self.user_qi).write({"state": "done"})
        with self.assertRaises(UserError):
            sreturn.with_user(self.user_qi).write({"purchase_line_id": False})
        # confirmed: quantities fixed, a second confirmation refused
        sreturn.with_user(self.user_qi).write({"defect_scope": "single", "qty_defective": 2})
        sreturn.with_user(self.user_qi).action_confirm()
        with self.assertRaises(UserError):
            sreturn.with_user(self.user_qi).action_confirm()
        with self.assertRaises(UserError):
            sreturn.with_user(self.user_qi).qty_defective = 3
        # a second return of the same line gets only what is left
        other = self._open_return(self.line)
        self.assertNotEqual(other, sreturn)
        self.assertEqual(other.qty_defective, 2)
        other.with_user(self.user_qi).qty_defective = 3
        self._assert_refused(other, self.user_qi, UserError, "defective store")
        # cancel before shipping: the transfer goes, the units are free again
        sreturn.with_user(self.user_cs).action_cancel()
        self.assertEqual(sreturn.state, "cancelled")
        self.assertEqual(sreturn.picking_ids.state, "cancel")
        other.with_user(self.user_qi).action_confirm()
        self._validate(other.picking_ids)
        with self.assertRaises(UserError):
            other.with_user(self.user_qi).action_cancel()

    def test_line_not_judged_or_not_supplier(self):
        order = self._deliver_from_stock(self.dealer_a, self.power, 1, self.lot)
        rma = self._create_rma(order)
        self._approve(rma)
        with self.assertRaises(UserError):
            rma.line_ids.with_user(self.user_qi).action_return_to_supplier()
        # goods the company made, no vendor receipt: not a supplier's
        order = self._deliver(self.dealer_a, [(self.mould, 1, self.lot1)])
        rma = self._received_rma_judged_production(order)
        with self.assertRaises(UserError) as caught:
            rma.line_ids.with_user(self.user_qi).action_return_to_supplier()
        self.assertIn("supplier", str(caught.exception))
        self.assertFalse(rma.line_ids.supplier_return_ids)

    def _received_rma_judged_production(self, order):
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        self._inspect(
            rma.inspection_ids,
            [(self.d_function, 1)],
            qty_inspected=1,
            qty_good=0,
            qty_defective=1,
            verdict="confirmed",
            responsibility="production",
        ).action_done()
        return rma

    def test_free_return_without_purchase(self):
        """Goods of a vendor without a purchase order in Odoo: a free return."""
        self.mould.seller_ids = [(0, 0, {"partner_id": self.supplier.id, "price": 55.0})]
        order = self._deliver(self.dealer_a, [(self.mould, 2, self.lot2)])
        rma = self._supplier_judged_rma(order)
        sreturn = self._open_return(rma.line_ids)
        self.assertFalse(sreturn.purchase_line_id)
        self.assertFalse(sreturn.origin_move_id)
        self.assertEqual(sreturn.partner_id, self.supplier)
        sreturn.with_user(self.user_qi).action_confirm()
        move = sreturn.picking_ids.move_ids
        self.assertFalse(move.purchase_line_id)
        self.assertFalse(move.to_refund)
        self._validate(sreturn.picking_ids)
        self.assertEqual(self._at_vendor(self.mould, self.lot2), 2)
        # credited at the vendor's price
        sreturn.with_user(self.user_cs).action_create_vendor_credit_note()
        note = sreturn.sudo().vendor_move_ids
        self.assertEqual(note.move_type, "in_refund")
        self.assertEqual(note.invoice_line_ids.price_unit, 55.0)
        self.assertEqual(note.invoice_line_ids.quantity, 2)
        self.assertEqual(note.state, "draft")
