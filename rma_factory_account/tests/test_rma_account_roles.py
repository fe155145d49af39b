from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import RmaAccountCommon


class RmaAccountRolesCommon(RmaAccountCommon):
    """Accountants without any RMA group: Billing (invoicing) and
    Bookkeeper (full accounting)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_billing = new_test_user(
            cls.env, login="rma_billing", groups="account.group_account_invoice"
        )
        cls.user_bookkeeper = new_test_user(
            cls.env, login="rma_bookkeeper", groups="account.group_account_user"
        )

    def _refund_and_repair_rma(self, partner):
        """Invoiced delivery of 10 moulds and 10 connectors; an RMA returns
        2 of each: the moulds are refunded (routed), the connectors repaired."""
        order = self._deliver(partner, [(self.mould, 10, self.lot1), (self.connector, 10, None)])
        invoice = self._invoice(order)
        rma = self._create_rma(order)
        rma.line_ids.quantity = 2
        mould_line = rma.line_ids.filtered(lambda x: x.product_id == self.mould)
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "refund", lines=mould_line)
        self._decide(rma, "repair", lines=rma.line_ids - mould_line)
        rma.action_judge()
        rma.action_process()
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(rma.repair_count, 1)
        return rma, invoice


@tagged("post_install", "-at_install")
class TestRmaAccountRoles(RmaAccountRolesCommon):
    def test_accountant_credits_from_the_list(self):
        for user in (self.user_billing, self.user_bookkeeper):
            with self.subTest(user=user.login):
                self.assertFalse(user.has_group("rma_factory.group_rma_user"))
                rma1, invoice1 = self._refund_and_repair_rma(self.customer_c)
                rma2, invoice2 = self._refund_and_repair_rma(self.dealer_b)
                self._assert_sees_rma_menu(user)
                for rma in rma1 | rma2:
                    form = self._open_rma_as(user, rma)
                    self.assertEqual(form.refund_state, "to_credit")
                    self.assertEqual(form.repair_count, 1)
                    self.assertEqual(form.picking_count, 2)
                buttons = self._view_buttons(user, self.env["factory.rma"])
                self.assertNotIn("action_view_repairs", buttons, "no access to repair orders")
                self.assertIn("action_view_pickings", buttons)
                # "Create Credit Notes" of the list, on the selected RMAs
                list_buttons = self._view_buttons(user, self.env["factory.rma"], "list")
                self.assertIn("action_create_credit_note_batch", list_buttons)
                (rma1 | rma2).with_user(user).action_create_credit_note_batch()
                notes = (rma1 | rma2).credit_note_ids
                self.assertEqual(len(notes), 2)
                notes.with_user(user).action_post()
                self.assertEqual(set(notes.mapped("state")), {"posted"})
                for rma, invoice in ((rma1, invoice1), (rma2, invoice2)):
                    note = rma.credit_note_ids
                    self.assertEqual(note.reversed_entry_id, invoice)
                    self.assertTrue(self._receivable(note).reconciled)
                    # 2 moulds (2 × 100 + 13% tax) credited on 10 moulds + 10 connectors
                    self.assertAlmostEqual(invoice.amount_residual, 1299.5 - 226.0)
                    self.assertEqual(rma.refund_state, "reconciled")
                    self.assertEqual(rma.state, "processing", "the repair is still open")
                    self.assertEqual(self._open_rma_as(user, rma).credit_note_count, 1)

    def test_accountant_credits_from_the_form_and_posts(self):
        user = self.user_billing
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        invoice = self._invoice(order)
        rma = self._refund_rma(order, 4)
        form = self._open_rma_as(user, rma)
        self.assertEqual(form.refund_state, "to_credit")
        self.assertIn(
            "action_create_credit_note", self._view_buttons(user, self.env["factory.rma"])
        )
        action = rma.with_user(user).action_create_credit_note()
        note = Form.from_action(self.env(user=user), action).record
        self.assertEqual(note.state, "draft")
        note.action_post()
        self.assertEqual(note.state, "posted")
        self.assertEqual(note.reversed_entry_id, invoice)
        self.assertTrue(self._receivable(note).reconciled)
        self.assertAlmostEqual(invoice.amount_residual, 169.5 - 67.8)
        self.assertEqual(rma.refund_state, "reconciled")
        self.assertEqual(rma.state, "done")
        self.assertEqual(self._open_rma_as(user, rma).state, "done")

    def test_accountant_reads_but_does_not_run_the_rma(self):
        rma, _invoice = self._refund_and_repair_rma(self.customer_c)
        rma_acc = rma.with_user(self.user_billing)
        with self.assertRaises(AccessError):
            rma_acc.write({"description": "changed by accounting"})
        with self.assertRaises(AccessError):
            rma_acc.action_process()
        with self.assertRaises(AccessError):
            rma_acc.action_view_repairs()
        self.assertFalse(rma.credit_note_ids)


@tagged("post_install", "-at_install")
class TestRmaAccountRolesUi(RmaAccountRolesCommon, HttpCase):
    def test_accountant_credits_from_the_list_and_the_form(self):
        rma1, invoice1 = self._refund_and_repair_rma(self.customer_c)
        order = self._deliver(self.dealer_b, [(self.connector, 10, None)])
        invoice2 = self._invoice(order)
        rma2 = self._refund_rma(order, 4)
        self.start_tour("/odoo", "rma_factory_account_credit_tour", login="rma_billing")
        for rma, invoice in ((rma1, invoice1), (rma2, invoice2)):
            note = rma.credit_note_ids
            self.assertEqual(note.state, "posted")
            self.assertEqual(note.reversed_entry_id, invoice)
            self.assertTrue(self._receivable(note).reconciled)
            self.assertEqual(rma.refund_state, "reconciled")
        self.assertEqual(rma1.state, "processing")
        self.assertEqual(rma2.state, "done")
