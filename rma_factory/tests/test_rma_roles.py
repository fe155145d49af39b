from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import RmaCommon

#: Buttons of customer service: a role without RMA rights is not shown them.
RMA_USER_BUTTONS = {
    "action_submit",
    "action_check_eligibility",
    "action_judge",
    "action_process",
    "action_send_customer_reply",
    "action_reply_accepted",
    "action_reply_rejected",
    "action_cancel",
    "action_draft",
    "action_onsite_verified",
    "action_open_split_wizard",
}


@tagged("post_install", "-at_install")
class TestRmaRoles(RmaCommon):
    """The warehouse user (no RMA group) opens the RMA list and form and
    validates the RMA's receipt from it."""

    def test_stock_user_opens_the_rma_and_validates_its_receipt(self):
        user = self.user_stock
        self.assertFalse(user.has_group("rma_factory.group_rma_user"))
        order = self._deliver(
            self.customer_c, [(self.mould, 4, self.lot1), (self.connector, 6, None)]
        )
        rma = self._create_rma(order)
        self._approve(rma)
        self._assert_sees_rma_menu(user)
        form = self._open_rma_as(user, rma)
        self.assertEqual(form.state, "approved")
        self.assertEqual(form.picking_count, 1)
        self.assertEqual(rma.with_user(user).approval_ids.mapped("step"), ["submit", "manager"])
        buttons = self._view_buttons(user, self.env["factory.rma"])
        self.assertIn("action_view_pickings", buttons)
        self.assertIn("action_view_sale_order", buttons)
        self.assertFalse(buttons & RMA_USER_BUTTONS, "customer service buttons are hidden")
        self.assertNotIn("action_view_invoice", buttons, "a stock user cannot read invoices")

        action = rma.with_user(user).action_view_pickings()
        receipt = Form.from_action(self.env(user=user), action).record
        self.assertEqual(receipt.picking_type_id, self.warehouse.rma_in_type_id)
        self.assertIs(receipt.button_validate(), True)

        self.assertEqual(receipt.state, "done")
        self.assertEqual(rma.state, "received")
        self.assertEqual(self._qty(self.mould, self.input_loc, self.lot1), 4)
        self.assertEqual(self._qty(self.connector, self.input_loc), 6)
        self.assertEqual(self._qty(self.mould, self.stock_loc, self.lot1), 0)
        self.assertIn("action_view_rma", self._view_buttons(user, self.env["stock.picking"]))
        back = receipt.action_view_rma()
        self.assertEqual(back["res_id"], rma.id)
        self.assertEqual(self._open_rma_as(user, rma).state, "received")

    def test_stock_user_reads_but_does_not_run_the_rma(self):
        order = self._deliver(self.customer_c, [(self.connector, 3, None)])
        rma = self._create_rma(order)
        self._approve(rma)
        rma.return_deadline = fields.Datetime.now() - timedelta(days=1)
        rma_stock = rma.with_user(self.user_stock)
        self.assertTrue(self._open_rma_as(self.user_stock, rma).is_overdue)
        overdue = (
            self.env["factory.rma"].with_user(self.user_stock).search([("is_overdue", "=", True)])
        )
        self.assertIn(rma, overdue)
        self.assertNotIn(
            rma,
            self.env["factory.rma"].with_user(self.user_stock).search([("is_overdue", "=", False)]),
        )
        with self.assertRaises(AccessError):
            rma_stock.write({"description": "changed by the warehouse"})
        with self.assertRaises(AccessError):
            rma_stock.action_cancel()
        with self.assertRaises(AccessError):
            rma_stock.approval_ids.write({"comment": "rewritten"})
        self.assertEqual(rma.state, "approved")
