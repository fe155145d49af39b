import logging

from odoo import Command
from odoo.tests import tagged

from .common import RmaAccountCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestRmaCreditPerformance(RmaAccountCommon):
    """The batch action credits N RMAs for a bounded number of queries per
    RMA, far below N times a single one."""

    def _refunded_rmas(self, count, order):
        move = order.picking_ids.move_ids
        rmas = self.env["factory.rma"].create(
            [
                {
                    "partner_id": self.customer_c.id,
                    "sale_order_id": order.id,
                    "criterion_b": True,
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": self.connector.id,
                                "quantity": 1,
                                "move_id": move.id,
                                "sale_line_id": move.sale_line_id.id,
                                "cond_original_packaging": True,
                                "cond_accessories_complete": True,
                                "cond_no_human_damage": True,
                            }
                        )
                    ],
                }
                for _i in range(count)
            ]
        )
        rmas.action_submit()
        rmas.with_user(self.user_mgr).action_approve()
        receipts = rmas.picking_ids.with_user(self.user_stock)
        receipts.move_ids.picked = True
        receipts.button_validate()
        rmas.line_ids.write({"decided_outcome": "refund"})
        rmas.action_judge()
        rmas.action_process()
        routings = rmas.picking_ids.filtered(lambda p: p.state != "done")
        routings.move_ids.picked = True
        routings.with_user(self.user_stock).button_validate()
        self.env.flush_all()
        self.env.invalidate_all()
        return rmas

    def _count_queries(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.cr.sql_log_count - before

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
