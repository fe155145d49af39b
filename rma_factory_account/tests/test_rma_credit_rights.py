from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaCreditRights(RmaAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_acc = new_test_user(
            cls.env, login="rma_acc", groups="account.group_account_invoice"
        )
        cls.company_b = cls.env["res.company"].create({"name": "Factory B"})
        cls.user_acc_b = new_test_user(
            cls.env,
            login="rma_acc_b",
            groups="account.group_account_invoice",
            company_id=cls.company_b.id,
            company_ids=cls.company_b.ids,
        )

    def test_accountant_without_rma_rights_credits_and_posts(self):
        self.assertFalse(self.user_acc.has_group("rma_factory.group_rma_user"))
        order = self._deliver(self.customer_c, [(self.mould, 10, self.lot1)])
        invoice = self._invoice(order)
        rma = self._refund_rma(order, 4)
        rma_acc = rma.with_user(self.user_acc)
        self.assertEqual(rma_acc.refund_state, "to_credit")
        rma_acc.action_create_credit_note()
        note = rma_acc.credit_note_ids
        self.assertEqual(len(note), 1)
        note.action_post()
        self.assertEqual(note.state, "posted")
        self.assertAlmostEqual(invoice.amount_residual, 678.0)
        self.assertTrue(self._receivable(note.sudo()).reconciled)
        self.assertEqual(rma.state, "done")
        self.assertEqual(order.order_line.qty_invoiced, 6)

    def test_rma_user_creates_but_cannot_post_or_pay(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        self._invoice(order)
        rma = self._refund_rma(order, 2)
        rma.with_user(self.user_cs).action_create_credit_note()
        note = rma.credit_note_ids
        self.assertEqual(note.state, "draft")
        with self.assertRaises(AccessError):
            note.with_user(self.user_cs).action_post()
        with self.assertRaises(AccessError):
            rma.with_user(self.user_cs).action_register_refund_payment()
        self.assertEqual(note.state, "draft")

    def test_stock_user_cannot_create_credit_notes(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        self._invoice(order)
        rma = self._refund_rma(order, 2)
        with self.assertRaises(AccessError):
            rma.with_user(self.user_stock).action_create_credit_note()
        self.assertFalse(rma.credit_note_ids)

    def test_other_company_accountant_sees_nothing(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        self._invoice(order)
        rma = self._refund_rma(order, 2)
        rma_b = rma.with_user(self.user_acc_b)
        self.assertFalse(
            self.env["factory.rma"].with_user(self.user_acc_b).search([("id", "=", rma.id)])
        )
        with self.assertRaises(AccessError):
            rma_b.action_create_credit_note()
        with self.assertRaises(AccessError):
            rma_b.action_create_credit_note_batch()
        self.assertFalse(rma.credit_note_ids)

    def test_stock_and_rma_users_open_the_rma_with_its_accounting_fields(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        self._invoice(order)
        rma = self._refund_rma(order, 2)
        rma.action_create_credit_note()
        for user in (self.user_stock, self.user_cs, self.user_acc):
            values = rma.with_user(user).read(
                ["refund_state", "credit_note_count", "charge_invoice_count", "refund_overdue"]
            )[0]
            self.assertEqual(values["refund_state"], "to_credit")
            self.assertEqual(values["credit_note_count"], 1)
            views = self.env["factory.rma"].with_user(user).get_views([(False, "form")])
            self.assertIn("refund_state", views["views"]["form"]["arch"])
