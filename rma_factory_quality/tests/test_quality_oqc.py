from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import QualityCommon


@tagged("post_install", "-at_install")
class TestQualityOqc(QualityCommon):
    """Outgoing quality check (INSP-14, REP-13, APPR-14): repaired goods,
    goods sent back and goods returned to sellable stock are checked before
    their transfer can be validated."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # outcomes decided by hand: the check under test is the outgoing one
        cls.policy.quality_inspection = False
        cls.policy.outgoing_check = True
        cls.user_stock.groups_id += cls.env.ref("stock.group_production_lot")
        cls.lot5 = cls.env["stock.lot"].create({"name": "L5", "product_id": cls.mould.id})

    def _processed(self, outcome, destination=None, qty=1, lot=None):
        lot = lot or self.lot5
        order = self._deliver(self.dealer_b, [(self.mould, qty, lot)])
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, outcome, destination)
        rma.with_user(self.user_cs).action_judge()
        if rma.line_ids.needs_outcome_approval:
            rma.line_ids.with_user(self.user_gm).action_approve_outcome()
        rma.with_user(self.user_cs).action_process()
        return rma

    def _refused(self, picking, message):
        """The stock user cannot validate ``picking``; nothing moved."""
        quants_before = {
            loc: self._qty(self.mould, loc)
            for loc in (self.input_loc, self.warehouse.rma_repaired_loc_id, self.stock_loc)
        }
        with self.assertRaises(UserError) as cm:
            self._validate(picking)
        self.assertIn(message, str(cm.exception))
        self.env.invalidate_all()
        self.assertNotEqual(picking.state, "done")
        self.assertFalse(picking.move_ids.filtered(lambda m: m.state == "done"))
        for loc, qty in quants_before.items():
            self.assertEqual(self._qty(self.mould, loc), qty, loc.display_name)

    def test_send_back_blocked_until_check_passed(self):
        """AS-07: customer misuse, sent back as is: OQC recorded before the
        goods ship."""
        rma = self._processed("send_back")
        picking = self._pickings_of_kind(rma, "send_back")
        check = picking.rma_oqc_ids
        self.assertEqual(len(check), 1)
        self.assertEqual(check.kind, "send_back")
        self.assertEqual(check.state, "draft")
        self.assertEqual(check.rma_id, rma)
        self.assertFalse(check.needs_signoff)
        self.assertEqual(picking.with_user(self.user_stock).rma_oqc_state, "todo")
        self._refused(picking, "outgoing quality check")
        # the warehouse cannot pass it, nor create or write one
        with self.assertRaises(AccessError):
            check.with_user(self.user_stock).action_pass()
        with self.assertRaises(AccessError):
            check.with_user(self.user_stock).write({"check_function": True})
        with self.assertRaises(AccessError):
            self.env["factory.rma.oqc"].with_user(self.user_qi).create(
                {"picking_id": picking.id, "kind": "send_back"}
            )
        # the inspector states what was checked, then passes it
        with self.assertRaises(UserError):
            check.with_user(self.user_qi).action_pass()
        self.env.invalidate_all()
        self.assertEqual(check.state, "draft")
        with self.assertRaises(UserError):
            check.with_user(self.user_qi).write({"state": "passed"})
        check.with_user(self.user_qi).write({"check_appearance": True, "result_note": "As is."})
        check.with_user(self.user_qi).action_pass()
        self.assertEqual(check.state, "passed")
        self.assertEqual(check.checked_by_id, self.user_qi)
        self.assertTrue(check.is_released)
        # closed: its result is fixed
        with self.assertRaises(UserError):
            check.with_user(self.user_qi).write({"result_note": "Changed."})
        self._validate(picking)
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot5), 0)
        self.assertEqual(self._qty(self.mould, self.customer_loc, self.lot5), 1)
        self.assertEqual(rma.line_ids.qty_returned, 1)
        self.assertEqual(rma.state, "done")

    def test_repaired_goods_fail_then_pass(self):
        """REP-13: repaired goods fail the check: blocked; after rework they
        are checked again and ship with their repaired mark."""
        rma = self._processed("repair", qty=3, lot=self.lot2)
        repair = rma.repair_ids
        repair.action_repair_start()
        repair.action_repair_end()
        picking = self._pickings_of_kind(rma, "send_back")
        check = picking.rma_oqc_ids
        self.assertEqual(check.kind, "repaired")
        self.assertEqual(picking.location_id, self.warehouse.rma_repaired_loc_id)
        self.assertTrue(check.with_user(self.user_qi).move_line_ids.rma_lot_repaired)
        # failing needs the reason
        with self.assertRaises(UserError):
            check.with_user(self.user_qi).action_fail()
        check.with_user(self.user_qi).write({"result_note": "Scratch on the cavity."})
        check.with_user(self.user_qi).action_fail()
        self.assertEqual(check.state, "failed")
        self.assertEqual(picking.rma_oqc_state, "failed")
        self._refused(picking, "outgoing quality check")
        check.with_user(self.user_qi).action_recheck()
        check.with_user(self.user_qi).write(
            {"check_function": True, "check_packaging": True, "result_note": "Reworked, OK."}
        )
        check.with_user(self.user_qi).action_pass()
        self._validate(picking)
        self.assertEqual(self._qty(self.mould, self.customer_loc, self.lot2), 3)
        self.assertTrue(self.lot2.rma_repaired)
        self.assertEqual(rma.state, "done")

    def test_goods_back_to_stock_need_quality_manager_sign_off(self):
        """No defect, goods returned to sellable stock (INSP-15, APPR-14):
        the check passed and the Quality Manager's sign-off."""
        rma = self._processed("return_only", "stock")
        picking = self._pickings_of_kind(rma, "routing")
        self.assertEqual(picking.location_dest_id, self.stock_loc)
        check = picking.rma_oqc_ids
        self.assertEqual(check.kind, "to_stock")
        self.assertTrue(check.needs_signoff)
        check.with_user(self.user_qi).write({"check_appearance": True})
        check.with_user(self.user_qi).action_pass()
        self.assertFalse(check.is_released)
        self.assertEqual(picking.rma_oqc_state, "signoff")
        self._refused(picking, "sign-off")
        with self.assertRaises(AccessError):
            check.with_user(self.user_qi).action_sign_off()
        self.env.invalidate_all()
        self.assertFalse(check.signed_off_by_id)
        with self.assertRaises(UserError):
            check.with_user(self.user_qm).write({"signed_off_by_id": self.user_qm.id})
        check.with_user(self.user_qm).action_sign_off()
        self.assertEqual(check.signed_off_by_id, self.user_qm)
        self.assertTrue(check.is_released)
        with self.assertRaises(UserError):
            check.with_user(self.user_qm).action_sign_off()
        self._validate(picking)
        self.assertEqual(self._qty(self.mould, self.stock_loc, self.lot5), 1)
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot5), 0)

    def test_defective_store_needs_no_check(self):
        rma = self._processed("refund", "defective")
        picking = self._pickings_of_kind(rma, "routing")
        self.assertFalse(picking.rma_oqc_ids)
        self._validate(picking)
        self.assertEqual(self._qty(self.mould, self.defective_loc, self.lot5), 1)

    def test_missing_check_created_by_quality(self):
        """A transfer made while the check was off is blocked once it is
        on: quality creates its check from the transfer."""
        self.policy.outgoing_check = False
        rma = self._processed("send_back")
        picking = self._pickings_of_kind(rma, "send_back")
        self.assertFalse(picking.rma_oqc_ids)
        self.policy.outgoing_check = True
        self._refused(picking, "quality creates it")
        with self.assertRaises(AccessError):
            picking.with_user(self.user_stock).action_rma_create_oqc()
        picking.with_user(self.user_qi).action_rma_create_oqc()
        check = picking.rma_oqc_ids
        self.assertEqual(check.kind, "send_back")
        with self.assertRaises(UserError):
            picking.with_user(self.user_qi).action_rma_create_oqc()
        check.with_user(self.user_qi).write({"check_appearance": True})
        check.with_user(self.user_qi).action_pass()
        self._validate(picking)
        self.assertEqual(picking.state, "done")
