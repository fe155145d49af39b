from odoo.tests import tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaPerformance(RmaCommon):
    """Batch buttons: approving and receiving N RMAs must cost a bounded
    number of queries per RMA, far below N times a single one."""

    def test_batch_approve_and_receive_bounded(self):
        order = self._deliver(self.customer_c, [(self.connector, 60, None)])
        one = self._make_submitted_rmas(1, order)
        many = self._make_submitted_rmas(50, order)
        approve_one = self._count_queries(one.with_user(self.user_mgr).action_approve)
        approve_many = self._count_queries(many.with_user(self.user_mgr).action_approve)
        receipts_one = one.picking_ids
        receipts_many = many.picking_ids
        self.assertEqual(len(receipts_many), 50)
        receive_one = self._count_queries(lambda: self._validate_all(receipts_one))
        receive_many = self._count_queries(lambda: self._validate_all(receipts_many))
        self.assertEqual(set(many.mapped("state")), {"received"})
        # Bounded: 50 RMAs cost less than 20 single ones.
        self.assertLess(
            approve_many, 20 * approve_one, f"approve: 1 → {approve_one}, 50 → {approve_many}"
        )
        self.assertLess(
            receive_many, 20 * receive_one, f"receive: 1 → {receive_one}, 50 → {receive_many}"
        )
