from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SupplierCommon


@tagged("post_install", "-at_install")
class TestSupplierRecovery(SupplierCommon):
    """Cost recovery (SUP-04): vendor credit note priced from the vendor
    bill of the lot, debit note for the costs at the policy's rates, or a
    replacement received back into stock. Customer service prepares the
    drafts, accounting posts."""

    def setUp(self):
        super().setUp()
        self.po, self.bill, self.lot = self._purchase(10, "LP1")
        self.order = self._deliver_from_stock(self.dealer_b, self.power, 4, self.lot)
        self.rma = self._supplier_judged_rma(self.order)
        self.sreturn = self._open_return(self.rma.line_ids)
        self.sreturn.with_user(self.user_qi).action_confirm()
        self.po_line = self.po.order_line

    def _ship(self):
        self._validate(self.sreturn.picking_ids)
        self.assertEqual(self.sreturn.state, "done")

    def _assert_ledger_recovery(self, amount):
        """The recovery shows in the RMA cost ledger as a negative cost of
        the RMA line borne by the supplier, with the supplier's analytic."""
        self.env.flush_all()
        rows = self.env["factory.rma.cost"].search(
            [("rma_line_id", "=", self.rma.line_ids.id), ("cost_type", "=", "supplier_recovery")]
        )
        self.assertAlmostEqual(sum(rows.mapped("amount")), amount)
        self.assertEqual(set(rows.mapped("party")), {"supplier"})
        self.assertTrue(all(rows.mapped("is_recovery")))
        analytic = self.env.ref("rma_factory_account.analytic_responsibility_supplier")
        for item in rows.move_line_id:
            self.assertIn(str(analytic.id), item.analytic_distribution or {})

    def test_vendor_credit_note_priced_from_the_bill(self):
        self.assertEqual(self.bill.amount_total, 339.0)
        # nothing left for the vendor yet: nothing to credit
        with self.assertRaises(UserError) as caught:
            self.sreturn.with_user(self.user_cs).action_create_vendor_credit_note()
        self.assertIn("already credited or replaced", str(caught.exception))
        self.env.invalidate_all()
        self.assertFalse(self.sreturn.sudo().vendor_move_ids)
        self._ship()
        # the warehouse does not prepare accounting documents
        with self.assertRaises(AccessError):
            self.sreturn.with_user(self.user_stock).action_create_vendor_credit_note()
        self.sreturn.with_user(self.user_cs).action_create_vendor_credit_note()
        note = self.sreturn.sudo().vendor_move_ids
        self.assertEqual(len(note), 1)
        self.assertEqual(
            (note.move_type, note.state, note.partner_id, note.reversed_entry_id),
            ("in_refund", "draft", self.supplier, self.bill),
        )
        line = note.invoice_line_ids
        self.assertEqual((line.quantity, line.price_unit), (4, 30.0))
        self.assertEqual(line.tax_ids, self.purchase_tax)
        self.assertEqual(line.purchase_line_id, self.po_line)
        self.assertAlmostEqual(note.amount_total, 135.6)
        # customer service cannot post it; a second note finds nothing left
        with self.assertRaises(AccessError):
            note.with_user(self.user_cs).action_post()
        with self.assertRaises(UserError):
            self.sreturn.with_user(self.user_cs).action_create_vendor_credit_note()
        note.with_user(self.user_accountant).action_post()
        self.assertEqual(note.state, "posted")
        self.assertAlmostEqual(self.bill.amount_residual, 339.0 - 135.6)
        self.assertEqual(note.payment_state, "paid", "reconciled with the vendor bill")
        self.assertEqual(self.po_line.qty_received, 6)
        self.assertEqual(self.po_line.qty_invoiced, 6)
        self.assertEqual(self.sreturn.qty_credited, 4)
        self.assertAlmostEqual(self.sreturn.recovery_amount, 135.6)
        self.assertAlmostEqual(self.rma.supplier_recovery_amount, 135.6)
        self._assert_ledger_recovery(-120.0)
        # a replacement is no longer possible: the goods are credited
        with self.assertRaises(UserError):
            self.sreturn.with_user(self.user_qi).action_request_replacement()

    def test_debit_note_for_costs_at_policy_rates(self):
        self.policy.write({"supplier_sorting_rate": 2.0, "supplier_rework_rate": 50.0})
        with self.assertRaises(UserError) as caught:
            self.sreturn.with_user(self.user_cs).action_create_vendor_debit_note()
        self.assertIn("freight", str(caught.exception))
        self.sreturn.with_user(self.user_cs).write(
            {"cost_freight": 80.0, "cost_sorting_qty": 10, "cost_rework_hours": 3}
        )
        self.sreturn.with_user(self.user_accountant).action_create_vendor_debit_note()
        note = self.sreturn.vendor_move_ids
        self.assertEqual(note.rma_supplier_recovery, "costs")
        self.assertEqual(
            sorted(note.invoice_line_ids.mapped(lambda x: (x.quantity, x.price_unit))),
            [(1.0, 80.0), (3.0, 50.0), (10.0, 2.0)],
        )
        self.assertEqual(note.amount_total, 250.0)
        with self.assertRaises(UserError):
            self.sreturn.with_user(self.user_cs).action_create_vendor_debit_note()
        note.with_user(self.user_accountant).action_post()
        self.assertEqual(note.amount_residual, 250.0, "stays as credit with the vendor")
        self.assertEqual(self.sreturn.recovery_amount, 250.0)
        self._assert_ledger_recovery(-250.0)
        self.assertEqual(self.bill.amount_residual, 339.0, "the goods bill is untouched")

    def test_replacement_received_back_into_stock(self):
        self._ship()
        self.assertEqual(self.po_line.qty_received, 6)
        with self.assertRaises(AccessError):
            self.sreturn.with_user(self.user_accountant).action_request_replacement()
        self.sreturn.with_user(self.user_qi).action_request_replacement()
        receipt = self.sreturn.replacement_picking_ids
        self.assertEqual(len(receipt), 1)
        self.assertEqual(receipt.location_id, self.vendor_loc)
        self.assertEqual(receipt.location_dest_id, self.stock_loc)
        self.assertEqual(self.sreturn.qty_replacement_planned, 4)
        # nothing left to credit while the replacement is planned
        with self.assertRaises(UserError):
            self.sreturn.with_user(self.user_cs).action_create_vendor_credit_note()
        move = receipt.move_ids
        move.move_line_ids.unlink()
        move.move_line_ids = [
            (
                0,
                0,
                {
                    "product_id": self.power.id,
                    "lot_name": "LP2",
                    "quantity": 4,
                    "location_id": self.vendor_loc.id,
                    "location_dest_id": self.stock_loc.id,
                },
            )
        ]
        self._validate(receipt)
        lot2 = move.move_line_ids.lot_id
        self.assertEqual(self._qty(self.power, self.stock_loc, lot2), 4)
        self.assertEqual(self.sreturn.qty_replaced, 4)
        self.assertEqual(self.po_line.qty_received, 10, "the replacement restores the receipt")
        self.assertEqual(self.po_line.qty_invoiced, 10)
        self.assertEqual(self.bill.amount_residual, 339.0, "nothing to credit: goods replaced")
        self.assertFalse(self.sreturn.sudo().vendor_move_ids)
