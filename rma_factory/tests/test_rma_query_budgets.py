import logging

from odoo.tests import tagged

from .common import RmaCommon

_logger = logging.getLogger(__name__)

#: Queries of each button on 1 RMA and on a list of BATCH RMAs, measured
#: after the work of issue #12 (README, "Query budgets"); the test allows
#: 25 % more, so that a regression fails the suite.
BATCH = 50
BUDGETS = {
    "submit": (49, 44),
    "approve": (104, 251),
    "receive": (105, 401),
    "judge+process": (95, 684),
    "route": (81, 290),
}
MARGIN = 1.25


class QueryBudgetMixin:
    """Counts the queries of one button as a request would: caches empty at
    the start, flushed at the end."""

    def _queries(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def _assert_budgets(self, measured, budgets, batch):
        """``measured``: {step: (queries on 1, queries on ``batch``)}."""
        figures = ", ".join(f"{step} {one}/{many}" for step, (one, many) in measured.items())
        _logger.info("queries on 1 / %s RMAs: %s", batch, figures)
        for step, (one, many) in measured.items():
            budget_one, budget_many = budgets[step]
            self.assertLessEqual(
                one,
                budget_one * MARGIN,
                f"{step} on 1 RMA: {one} queries, budget {budget_one} (all: {figures})",
            )
            self.assertLessEqual(
                many,
                budget_many * MARGIN,
                f"{step} on {batch} RMAs: {many} queries, budget {budget_many} (all: {figures})",
            )


@tagged("post_install", "-at_install")
class TestRmaQueryBudgets(QueryBudgetMixin, RmaCommon):
    """Every button of the return flow within its query budget, on one RMA
    (one click) and as a list action on BATCH RMAs, as the users who press
    them: customer service submits, judges and processes, the manager
    approves, the warehouse receives and routes."""

    def _draft_rmas(self, count, order):
        move = order.picking_ids.move_ids[:1]
        return self.env["factory.rma"].create([self._rma_vals_on_move(move) for _i in range(count)])

    def _judge(self, rmas):
        rmas = rmas.with_user(self.user_cs)
        rmas.line_ids.write({"decided_outcome": "refund", "destination": "defective"})
        rmas.action_judge()
        rmas.action_process()

    def _flow(self, rmas):
        """Queries of each step on ``rmas``, in the order a user presses them."""
        defective = self.warehouse.rma_defective_loc_id
        in_defective = self._qty(self.connector, defective)
        counts = {}
        counts["submit"] = self._queries(rmas.with_user(self.user_cs).action_submit)
        counts["approve"] = self._queries(rmas.with_user(self.user_mgr).action_approve)
        receipts = rmas.picking_ids
        self.assertEqual(len(receipts), len(rmas))
        counts["receive"] = self._queries(lambda: self._validate_all(receipts))
        self.assertEqual(set(rmas.mapped("state")), {"received"})
        counts["judge+process"] = self._queries(lambda: self._judge(rmas))
        routings = rmas.picking_ids - receipts
        self.assertEqual(len(routings), len(rmas))
        counts["route"] = self._queries(lambda: self._validate_all(routings))
        self.assertEqual(set(rmas.mapped("state")), {"done"})
        self.assertEqual(self._qty(self.connector, defective), in_defective + len(rmas))
        return counts

    def test_flow_within_budgets(self):
        order = self._deliver(self.customer_c, [(self.connector, BATCH + 2, None)])
        self._flow(self._draft_rmas(1, order))  # warm-up: Odoo's caches filled
        one = self._flow(self._draft_rmas(1, order))
        many = self._flow(self._draft_rmas(BATCH, order))
        self._assert_budgets({step: (one[step], many[step]) for step in one}, BUDGETS, BATCH)
