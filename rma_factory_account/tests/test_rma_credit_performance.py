import logging

from odoo.tests import tagged

from .common import RmaAccountCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestRmaCreditPerformance(RmaAccountCommon):
    """The batch action credits N RMAs for a bounded number of queries per
    RMA, far below N times a single one."""

    def _refunded_rmas(self, count, order):
        rmas = self._make_submitted_rmas(count, order)
        rmas.with_user(self.user_mgr).action_approve()
        self._validate_all(rmas.picking_ids)
        rmas.line_ids.write({"decided_outcome": "refund"})
        rmas.action_judge()
        rmas.action_process()
        self._validate_all(rmas.picking_ids.filtered(lambda p: p.state != "done"))
        self.env.flush_all()
        self.env.invalidate_all()
        return rmas

    def test_batch_credit_notes_bounded(self):
        order = self._deliver(self.customer_c, [(self.connector, 30, None)])
        invoice = self._invoice(order)
        one = self._refunded_rmas(1, order)
        many = self._refunded_rmas(20, order)
        credit_one = self._count_queries(one.action_create_credit_note_batch)
        credit_many = self._count_queries(many.action_create_credit_note_batch)
        _logger.info("batch credit queries: 1 RMA → %s, 20 RMAs → %s", credit_one, credit_many)
        self.assertEqual(len(many.credit_note_ids), 20)
        self.assertEqual(set(many.credit_note_ids.reversed_entry_id.ids), set(invoice.ids))
        self.assertAlmostEqual(sum(many.credit_note_ids.mapped("amount_total")), 20 * 16.95)
        self.assertLess(
            credit_many, 3 * credit_one, f"credit: 1 → {credit_one}, 20 → {credit_many}"
        )
