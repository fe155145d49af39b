from odoo.tests import tagged

from odoo.addons.rma_factory.tests.test_rma_query_budgets import QueryBudgetMixin

from .common import QualityCommon

#: Queries of the outgoing quality check's buttons on the check of 1 RMA
#: transfer and on BATCH checks at once (the list), measured after the work
#: of issue #12 (README, "Query budgets"); the test allows 25 % more.
BATCH = 50
BUDGETS = {
    "oqc fail": (15, 260),
    "oqc recheck": (6, 6),
    "oqc pass": (15, 260),
    "oqc sign-off": (6, 6),
}


@tagged("post_install", "-at_install")
class TestQualityOqcQueryBudgets(QueryBudgetMixin, QualityCommon):
    """The outgoing check (INSP-14, APPR-14) of goods returned to sellable
    stock within its query budget: the inspector fails it, has it checked
    again and passes it, the Quality Manager signs it off; one check or a
    list of them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # as in test_quality_oqc: outcomes decided by hand, outgoing check on
        cls.policy.quality_inspection = False
        cls.policy.outgoing_check = True

    def _checks(self, count, order):
        """The outgoing checks of ``count`` RMAs whose goods (no defect) go
        back to sellable stock."""
        rmas = self._make_submitted_rmas(count, order)
        rmas.with_user(self.user_mgr).action_approve()
        receipts = rmas.picking_ids
        self._validate_all(receipts)
        rmas.line_ids.with_user(self.user_cs).write(
            {"decided_outcome": "return_only", "destination": "stock"}
        )
        rmas.with_user(self.user_cs).action_judge()
        for line in rmas.line_ids.filtered("needs_outcome_approval"):
            line.with_user(self.user_gm).action_approve_outcome()
        rmas.with_user(self.user_cs).action_process()
        routings = rmas.picking_ids - receipts
        checks = routings.rma_oqc_ids
        self.assertEqual(len(checks), count)
        self.assertEqual(set(checks.mapped("kind")), {"to_stock"})
        # the records a list action receives (browsed by id: they prefetch
        # one another, unlike the value of a one2many once invalidated)
        return self.env["factory.rma.oqc"].browse(checks.ids)

    def _flow(self, checks):
        """Queries of each button on ``checks``, in the order they are pressed
        (the fields of the form written before each button, not counted)."""
        as_qi = checks.with_user(self.user_qi)
        counts = {}
        as_qi.write({"result_note": "Scratch on the housing."})
        counts["oqc fail"] = self._queries(as_qi.action_fail)
        self.assertEqual(set(checks.mapped("state")), {"failed"})
        counts["oqc recheck"] = self._queries(as_qi.action_recheck)
        self.assertEqual(set(checks.mapped("state")), {"draft"})
        as_qi.write({"check_appearance": True, "result_note": "Cleaned, OK."})
        counts["oqc pass"] = self._queries(as_qi.action_pass)
        self.assertEqual(set(checks.mapped("state")), {"passed"})
        self.assertFalse(any(checks.mapped("is_released")))
        counts["oqc sign-off"] = self._queries(checks.with_user(self.user_qm).action_sign_off)
        self.assertEqual(checks.signed_off_by_id, self.user_qm)
        self.assertTrue(all(checks.mapped("is_released")))
        return counts

    def test_outgoing_checks_within_budgets(self):
        order = self._deliver(self.customer_c, [(self.connector, BATCH + 2, None)])
        self._flow(self._checks(1, order))  # warm-up: Odoo's caches filled
        one = self._flow(self._checks(1, order))
        many = self._flow(self._checks(BATCH, order))
        self._assert_budgets({step: (one[step], many[step]) for step in one}, BUDGETS, BATCH)
