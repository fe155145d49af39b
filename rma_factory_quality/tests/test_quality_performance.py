import logging

from odoo import Command
from odoo.tests import tagged

from .common import QualityCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestQualityPerformance(QualityCommon):
    """Receiving many RMAs creates their inspections, and closing many
    inspections judges and routes their RMAs, for a bounded number of queries
    per RMA (query budget, not timing)."""

    def _close(self, inspections):
        inspections = inspections.with_user(self.user_qi)
        inspections.write(
            {
                "qty_inspected": 1,
                "qty_good": 0,
                "qty_defective": 1,
                "verdict": "confirmed",
                "responsibility": "production",
                "outcome": "refund",
                "defect_ids": [Command.create({"defect_id": self.d_appearance.id, "count": 1})],
            }
        )
        inspections.action_done()

    def test_inspections_in_batch_are_bounded(self):
        order = self._deliver(self.customer_c, [(self.connector, 30, None)])
        one = self._make_submitted_rmas(1, order)
        many = self._make_submitted_rmas(20, order)
        (one | many).with_user(self.user_mgr).action_approve()
        receive_one = self._count_queries(lambda: self._validate_all(one.picking_ids))
        receive_many = self._count_queries(lambda: self._validate_all(many.picking_ids))
        self.assertEqual(len(many.inspection_ids), 20)
        close_one = self._count_queries(lambda: self._close(one.inspection_ids))
        close_many = self._count_queries(lambda: self._close(many.inspection_ids))
        self.assertEqual(set(many.mapped("state")), {"processing"})
        routing = many.picking_ids.filtered(lambda p: p.picking_type_id.code == "internal")
        self.assertEqual(len(routing), 20)
        _logger.info(
            "query budget: receive 1 → %s, 20 → %s; close 1 → %s, 20 → %s",
            receive_one,
            receive_many,
            close_one,
            close_many,
        )
        self.assertLess(
            receive_many, 10 * receive_one, f"receive: 1 → {receive_one}, 20 → {receive_many}"
        )
        self.assertLess(close_many, 15 * close_one, f"close: 1 → {close_one}, 20 → {close_many}")
