from odoo.tests import tagged

from odoo.addons.rma_factory.tests.test_rma_query_budgets import QueryBudgetMixin

from .common import RmaAccountCommon

#: Queries of creating and posting the credit notes of 1 RMA and of BATCH
#: RMAs at once, measured after the work of issue #12 (README, "Query
#: budgets"); the test allows 25 % more.
BATCH = 50
BUDGETS = {"credit": (93, 191), "post": (162, 2042)}


@tagged("post_install", "-at_install")
class TestRmaCreditQueryBudgets(QueryBudgetMixin, RmaAccountCommon):
    """Credit notes within their query budget: the RMA manager creates the
    drafts (one click on one RMA, the list action on BATCH), the accountant
    posts them, which matches each with the invoice it reverses."""

    def _refunded(self, count, order):
        rmas = self._make_submitted_rmas(count, order)
        rmas.with_user(self.user_mgr).action_approve()
        self._validate_all(rmas.picking_ids)
        rmas.line_ids.write({"decided_outcome": "refund", "destination": "defective"})
        rmas.action_judge()
        rmas.action_process()
        self._validate_all(rmas.picking_ids.filtered(lambda p: p.state != "done"))
        return rmas

    def _credit(self, rmas, invoice):
        counts = {}
        if len(rmas) == 1:
            action = rmas.with_user(self.user_mgr).action_create_credit_note
        else:
            action = rmas.with_user(self.user_mgr).action_create_credit_note_batch
        counts["credit"] = self._queries(action)
        notes = rmas.credit_note_ids
        self.assertEqual(len(notes), len(rmas))
        self.assertEqual(set(notes.mapped("state")), {"draft"})
        counts["post"] = self._queries(notes.with_user(self.user_accountant).action_post)
        self.assertEqual(set(notes.mapped("state")), {"posted"})
        self.assertEqual(set(notes.reversed_entry_id.ids), set(invoice.ids))
        receivable = notes.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(all(receivable.mapped("reconciled")))
        return counts

    def test_credit_notes_within_budgets(self):
        order = self._deliver(self.customer_c, [(self.connector, BATCH + 2, None)])
        invoice = self._invoice(order)
        self._credit(self._refunded(1, order), invoice)  # warm-up: Odoo's caches filled
        one = self._credit(self._refunded(1, order), invoice)
        many = self._credit(self._refunded(BATCH, order), invoice)
        self.assertAlmostEqual(
            invoice.amount_residual, invoice.amount_total - (BATCH + 2) * 16.95, places=2
        )
        self._assert_budgets({step: (one[step], many[step]) for step in one}, BUDGETS, BATCH)
