import logging

from odoo.tests import tagged

from .common import RmaCommon
from .test_rma_query_budgets import MARGIN, QueryBudgetMixin

_logger = logging.getLogger(__name__)

#: Queries of creating 1 RMA and BATCH RMAs at once (customer service), and
#: of a return request filed on the portal (one form, one RMA: no batch),
#: measured after the work of issue #12 (README, "Query budgets"); the test
#: allows 25 % more.
BATCH = 50
BUDGETS = {"create": (42, 91)}
PORTAL_BUDGET = 105


@tagged("post_install", "-at_install")
class TestRmaCreateQueryBudgets(QueryBudgetMixin, RmaCommon):
    """Creating RMAs within their query budget, as the users who do it:
    customer service creates one RMA or a list of them (imports, the
    bench's "create" step); a customer's portal user files a request."""

    def _create(self, count, order):
        Rma = self.env["factory.rma"].with_user(self.user_cs)
        move = order.picking_ids.move_ids[:1]
        vals_list = [self._rma_vals_on_move(move) for _i in range(count)]
        created = []
        queries = self._queries(lambda: created.append(Rma.create(vals_list)))
        rmas = created[0]
        self.assertEqual(len(rmas), count)
        self.assertEqual(set(rmas.mapped("state")), {"draft"})
        self.assertEqual(rmas.line_ids.move_id, order.picking_ids.move_ids[:1])
        self.assertEqual(rmas.create_uid, self.user_cs)
        return queries

    def test_create_within_budgets(self):
        order = self._deliver(self.customer_c, [(self.connector, BATCH + 2, None)])
        self._create(1, order)  # warm-up: Odoo's caches filled
        one = self._create(1, order)
        many = self._create(BATCH, order)
        self._assert_budgets({"create": (one, many)}, BUDGETS, BATCH)

    def test_portal_request_within_budget(self):
        """The customer's portal user files a return request (what the
        form's POST runs): one draft RMA, its message and the activity of
        customer service."""
        _contact, portal = self._portal_contact(
            self.customer_c, "Carol of Customer C", "carol@c.com", "budget_portal_c"
        )
        order = self._deliver(self.customer_c, [(self.mould, 5, self.lot1)])
        order.user_id = self.user_cs
        move = order.picking_ids.move_ids
        reason = self.env.ref("rma_factory.reason_quality_cracking")
        Rma = self.env["factory.rma"].with_user(portal)

        def request(key):
            rma, created = Rma._portal_create_request(
                order,
                {f"{move.id}-{self.lot1.id}": "1"},
                {
                    "reason_id": str(reason.id),
                    "requested_outcome": "replace",
                    "return_method": "courier",
                    "description": "Cracks along the parting line",
                },
                [],
                request_key=key,
            )
            self.assertTrue(created)
            return rma

        request("warm-up")  # Odoo's caches filled
        rmas = []
        queries = self._queries(lambda: rmas.append(request("measured")))
        _logger.info("queries of a portal request: %s", queries)
        rma = rmas[0].sudo()
        self.assertEqual((rma.state, rma.channel), ("draft", "portal"))
        self.assertEqual(rma.line_ids.quantity, 1)
        self.assertEqual(rma.activity_ids.user_id, self.user_cs)
        self.assertLessEqual(
            queries,
            PORTAL_BUDGET * MARGIN,
            f"portal request: {queries} queries, budget {PORTAL_BUDGET}",
        )
