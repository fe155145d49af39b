from odoo import Command
from odoo.tests import tagged

from odoo.addons.rma_factory.tests.test_rma_query_budgets import QueryBudgetMixin

from .common import QualityCommon

#: Queries of receiving the goods of 1 RMA and of BATCH RMAs (inspections
#: created) and of closing their inspections (which judges and routes the
#: RMAs), measured after the work of issue #12 (README, "Query budgets"); the
#: test allows 25 % more.
BATCH = 50
BUDGETS = {"receive": (129, 376), "inspect": (117, 755)}


@tagged("post_install", "-at_install")
class TestQualityQueryBudgets(QueryBudgetMixin, QualityCommon):
    """Inspections within their query budget: the warehouse receives, the
    inspector starts, fills and closes the inspections, one or a list."""

    def _inspect(self, inspections):
        inspections = inspections.with_user(self.user_qi)
        inspections.action_start()
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

    def _flow(self, rmas):
        rmas.with_user(self.user_mgr).action_approve()
        counts = {"receive": self._queries(lambda: self._validate_all(rmas.picking_ids))}
        inspections = rmas.inspection_ids
        self.assertEqual(len(inspections), len(rmas))
        counts["inspect"] = self._queries(lambda: self._inspect(inspections))
        self.assertEqual(set(inspections.mapped("state")), {"done"})
        self.assertEqual(set(rmas.mapped("state")), {"processing"})
        return counts

    def test_inspections_within_budgets(self):
        order = self._deliver(self.customer_c, [(self.connector, BATCH + 2, None)])
        self._flow(self._make_submitted_rmas(1, order))  # warm-up: Odoo's caches filled
        one = self._flow(self._make_submitted_rmas(1, order))
        many = self._flow(self._make_submitted_rmas(BATCH, order))
        self._assert_budgets({step: (one[step], many[step]) for step in one}, BUDGETS, BATCH)
