from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import RmaCommon


@tagged("post_install", "-at_install")
class TestRmaGuards(RmaCommon):
    def test_cannot_return_more_than_delivered(self):
        order = self._deliver(self.customer_c, [(self.connector, 10, None)])
        rma = self._create_rma(order)
        self.assertEqual(rma.line_ids.quantity, 10)
        with self.assertRaises(ValidationError):
            rma.line_ids.quantity = 11
        rma.line_ids.quantity = 7
        # The second RMA only gets what is left.
        second = self._create_rma(order)
        self.assertEqual(second.line_ids.quantity, 3)
        with self.assertRaises(ValidationError):
            second.line_ids.quantity = 4
        # Nothing left: a third click creates nothing.
        count = self.env["factory.rma"].search_count([])
        with self.assertRaises(UserError):
            order.action_create_rma()
        self.assertEqual(self.env["factory.rma"].search_count([]), count)
        # A rejected or cancelled RMA gives its quantity back.
        second.action_cancel()
        third = self._create_rma(order)
        self.assertEqual(third.line_ids.quantity, 3)

    def test_zero_and_negative_quantities(self):
        order = self._deliver(self.customer_c, [(self.connector, 5, None)])
        rma = self._create_rma(order)
        for bad in (0, -2):
            with self.assertRaises(UserError), self.cr.savepoint():
                rma.line_ids.quantity = bad
        self.assertEqual(rma.line_ids.quantity, 5)

    def test_quantities_locked_after_submit(self):
        order = self._deliver(self.customer_c, [(self.connector, 5, None)])
        rma = self._create_rma(order)
        rma.action_submit()
        with self.assertRaises(UserError):
            rma.line_ids.with_user(self.user_mgr).quantity = 2

    def test_double_clicks(self):
        order = self._deliver(self.customer_c, [(self.connector, 5, None)])
        rma = self._create_rma(order)
        rma.line_ids.quantity = 2
        rma.action_submit()
        with self.assertRaises(UserError):
            rma.action_submit()
        rma.with_user(self.user_mgr).action_approve()
        with self.assertRaises(UserError):
            rma.with_user(self.user_mgr).action_approve()
        self.assertEqual(len(self._receipt(rma)), 1)
        self._receive(rma)
        self._decide(rma, "refund")
        rma.action_judge()
        with self.assertRaises(UserError):
            rma.action_judge()
        rma.action_process()
        routing = self._pickings_of_kind(rma, "routing")
        rma.action_process()
        self.assertEqual(
            self._pickings_of_kind(rma, "routing"), routing, "second click creates nothing"
        )
        self.assertEqual(sum(routing.move_ids.mapped("product_uom_qty")), 2)

    def test_wrong_state_buttons(self):
        order = self._deliver(self.customer_c, [(self.connector, 5, None)])
        rma = self._create_rma(order)
        for method in ("action_approve", "action_judge", "action_process", "action_draft"):
            with self.assertRaises(UserError):
                getattr(rma, method)()
        self.assertEqual(rma.state, "draft")
        self.assertFalse(rma.picking_ids)

    def test_rma_user_cannot_approve(self):
        order = self._deliver(self.customer_c, [(self.connector, 5, None)])
        rma = self._create_rma(order)
        rma.with_user(self.user_cs).action_submit()
        with self.assertRaises(AccessError):
            rma.with_user(self.user_cs).action_approve()
        with self.assertRaises(AccessError):
            rma.with_user(self.user_cs).action_open_reject_wizard()
        self.assertEqual(rma.state, "submitted")
        self.assertFalse(rma.picking_ids)

    def test_second_approval_threshold(self):
        """500 needs one approval; 501 needs the manager then the approver."""
        order = self._deliver(self.customer_c, [(self.mould, 6, self.lot1)])
        rma = self._create_rma(order)
        rma.line_ids.write({"quantity": 5, "price_unit": 100.0})
        self.assertEqual(rma.amount_total, 500.0)
        self.assertFalse(rma.needs_second_approval)
        rma.action_submit()
        rma.with_user(self.user_mgr).action_approve()
        self.assertEqual(rma.state, "approved")

        order2 = self._deliver(self.customer_c, [(self.mould, 6, self.lot2)])
        rma2 = self._create_rma(order2)
        rma2.line_ids.write({"quantity": 5, "price_unit": 100.2})
        self.assertTrue(rma2.needs_second_approval)
        rma2.action_submit()
        rma2.with_user(self.user_mgr).action_approve()
        self.assertEqual(rma2.state, "submitted")
        self.assertTrue(rma2.manager_approved)
        self.assertFalse(rma2.picking_ids)
        with self.assertRaises(UserError):
            rma2.with_user(self.user_mgr).action_approve()
        rma2.with_user(self.user_gm).action_approve()
        self.assertEqual(rma2.state, "approved")
        self.assertEqual(
            rma2.approval_ids.filtered(lambda a: a.step in ("manager", "approver")).mapped("step"),
            ["manager", "approver"],
        )

    def test_stock_user_validates_without_rma_rights(self):
        order = self._deliver(self.customer_c, [(self.connector, 3, None)])
        rma = self._create_rma(order)
        self._approve(rma)
        self.assertFalse(self.user_stock.has_group("rma_factory.group_rma_user"))
        self._receive(rma, user=self.user_stock)
        self.assertEqual(rma.state, "received")
        with self.assertRaises(AccessError):
            rma.line_ids.with_user(self.user_stock).write({"decided_outcome": "refund"})
        self._decide(rma, "refund")
        rma.action_judge()
        rma.action_process()
        self._validate(self._pickings_of_kind(rma, "routing"), user=self.user_stock)
        self.assertEqual(rma.state, "done")

    def test_goods_under_rma_never_reserved_for_customers(self):
        order = self._deliver(self.customer_c, [(self.connector, 4, None)])
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        self.assertEqual(self._qty(self.connector, self.input_loc), 4)
        self.assertEqual(self._qty(self.connector, self.stock_loc), 0)
        new_order = self.env["sale.order"].create(
            {
                "partner_id": self.dealer_a.id,
                "order_line": [(0, 0, {"product_id": self.connector.id, "product_uom_qty": 4})],
            }
        )
        new_order.action_confirm()
        new_order.picking_ids.action_assign()
        self.assertEqual(new_order.picking_ids.move_ids.quantity, 0)
        self.assertNotEqual(new_order.picking_ids.state, "assigned")
        self.assertEqual(self.connector.with_context(location=self.stock_loc.id).free_qty, 0)

    def test_multi_company_isolation(self):
        order = self._deliver(self.customer_c, [(self.connector, 3, None)])
        rma = self._create_rma(order)
        company2 = self.env["res.company"].create({"name": "Demo Co 2"})
        user2 = new_test_user(
            self.env,
            login="rma_co2",
            groups="rma_factory.group_rma_manager",
            company_id=company2.id,
            company_ids=[(6, 0, company2.ids)],
        )
        self.assertFalse(self.env["factory.rma"].with_user(user2).search([("id", "=", rma.id)]))
        with self.assertRaises(AccessError):
            rma.with_user(user2).read(["name"])
        # Company 2 numbers its own RMAs and has its RMA warehouse setup.
        warehouse2 = self.env["stock.warehouse"].search([("company_id", "=", company2.id)])
        self.assertTrue(warehouse2.rma_input_loc_id)
        self.assertTrue(
            self.env["ir.sequence"].search(
                [("code", "=", "factory.rma"), ("company_id", "=", company2.id)]
            )
        )

    def test_origin_must_belong_to_customer(self):
        order = self._deliver(self.customer_c, [(self.connector, 3, None)])
        rma = self._create_rma(order)
        with self.assertRaises(ValidationError):
            rma.partner_id = self.dealer_a


@tagged("post_install", "-at_install")
class TestRmaMoreGuards(RmaCommon):
    def test_split_wizard_and_bad_split_quantities(self):
        order = self._deliver(self.customer_c, [(self.connector, 5, None)])
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        line = rma.line_ids
        for bad in (0, -1, 5, 6):
            with self.assertRaises(UserError):
                line._split(bad)
        action = line.action_open_split_wizard()
        wizard = Form(self.env[action["res_model"]].with_context(action["context"]))
        self.assertEqual(wizard.available_qty, 5)
        wizard.quantity = 2
        wizard.decided_outcome = "send_back"
        wizard.save().action_split()
        new_line = rma.line_ids - line
        self.assertEqual((line.qty_received, new_line.qty_received), (3, 2))
        self.assertEqual(new_line.destination, "customer")
        self.assertEqual(sum(rma.line_ids.mapped("quantity")), 5)

    def test_sell_off_needs_the_approver_once(self):
        order = self._deliver(self.customer_c, [(self.connector, 3, None)])
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "sell_off")
        buyer = self.env["res.partner"].create({"name": "ScrapCo"})
        rma.line_ids.with_user(self.user_cs).write(
            {"selloff_partner_id": buyer.id, "selloff_price_unit": 10.0}
        )
        rma.action_judge()
        with self.assertRaises(UserError):
            rma.action_process()
        self.assertFalse(self._pickings_of_kind(rma, "routing"))
        rma.line_ids.with_user(self.user_gm).action_approve_outcome()
        with self.assertRaises(UserError):
            rma.line_ids.with_user(self.user_gm).action_approve_outcome()
        rma.action_process()
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(self._qty(self.connector, self.defective_loc), 3)
        self.assertEqual(rma.state, "done")

    def test_cancel_refused_once_replacement_shipped(self):
        order = self._deliver(self.dealer_a, [(self.connector, 2, None)])
        rma = self._create_rma(order, replenish_first=True)
        rma.line_ids.requested_outcome = "replace"
        self._put_in_stock(self.connector, 2)
        self._approve(rma)
        self._validate(self._pickings_of_kind(rma, "replacement"))
        with self.assertRaises(UserError):
            rma.action_cancel()
        self.assertEqual(rma.state, "approved")

    def test_rejected_rma_gives_quantity_back_and_double_reject(self):
        order = self._deliver(self.customer_c, [(self.connector, 4, None)])
        rma = self._create_rma(order)
        rma.action_submit()
        rma.with_user(self.user_mgr)._reject("Not a quality problem", "discount")
        with self.assertRaises(UserError):
            rma.with_user(self.user_mgr)._reject("Not a quality problem", "discount")
        self.assertEqual(len(rma.approval_ids.filtered(lambda a: a.step == "reject")), 1)
        again = self._create_rma(order)
        self.assertEqual(again.line_ids.quantity, 4)

    def test_outcome_locked_after_processing(self):
        order = self._deliver(self.customer_c, [(self.connector, 2, None)])
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        self._decide(rma, "refund")
        rma.action_judge()
        rma.action_process()
        with self.assertRaises(UserError):
            rma.line_ids.with_user(self.user_mgr).decided_outcome = "replace"
