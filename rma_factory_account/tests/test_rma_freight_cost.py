from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaFreightCost(RmaAccountCommon):
    """AS-25: the company's share of the freight is recorded against the
    RMA: Dr freight cost / Cr freight accrual, once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.freight_expense = Account.create(
            {"name": "RMA freight cost", "code": "RMAFRT1", "account_type": "expense"}
        )
        cls.freight_accrual = Account.create(
            {"name": "RMA freight accrued", "code": "RMAFRT2", "account_type": "liability_current"}
        )
        cls.company.write(
            {
                "rma_freight_cost_account_id": cls.freight_expense.id,
                "rma_freight_accrual_account_id": cls.freight_accrual.id,
            }
        )

    def test_company_share_of_split_freight_posted_once(self):
        """The RMA Manager prepares the entry, an accountant posts it."""
        rma = self._freight_rma("company", 40.0, percent=50.0)
        with self.assertRaises(AccessError):
            rma.with_user(self.user_cs).action_post_freight_cost()
        self.assertFalse(rma.freight_cost_move_id)
        rma.with_user(self.user_mgr).action_post_freight_cost()
        move = rma.freight_cost_move_id
        self.assertEqual(move.state, "draft", "an RMA Manager does not post")
        with self.assertRaises(AccessError):
            move.with_user(self.user_mgr).action_post()
        with self.assertRaisesRegex(UserError, "already recorded"):
            rma.with_user(self.user_mgr).action_post_freight_cost()
        move.with_user(self.user_accountant).action_post()
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.rma_id, rma)
        self.assertRecordValues(
            move.line_ids.sorted("balance"),
            [
                {"account_id": self.freight_accrual.id, "debit": 0.0, "credit": 20.0},
                {"account_id": self.freight_expense.id, "debit": 20.0, "credit": 0.0},
            ],
        )
        with self.assertRaisesRegex(UserError, "already recorded"):
            rma.with_user(self.user_accountant).action_post_freight_cost()
        self.assertEqual(
            self.env["account.move.line"].search_count(
                [("account_id", "=", self.freight_expense.id), ("rma_id", "=", rma.id)]
            ),
            1,
        )

    def test_company_pays_all_and_guards(self):
        rma = self._freight_rma("company", 40.0)
        self.company.rma_freight_cost_account_id = False
        with self.assertRaisesRegex(UserError, "freight cost and freight accrual accounts"):
            rma.action_post_freight_cost()
        self.assertFalse(rma.freight_cost_move_id)
        self.company.rma_freight_cost_account_id = self.freight_expense
        rma.with_user(self.user_accountant).action_post_freight_cost()
        self.assertEqual(rma.freight_cost_move_id.state, "posted")
        self.assertAlmostEqual(rma.freight_cost_move_id.amount_total, 40.0)
        customer = self._freight_rma("customer", 40.0)
        with self.assertRaisesRegex(UserError, "bears no freight"):
            customer.action_post_freight_cost()
        self.assertFalse(customer.freight_cost_move_id)
