from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import QualityCommon


@tagged("post_install", "-at_install")
class TestQualityRoles(QualityCommon):
    """The quality inspector (no RMA group) opens the RMA and creates its 8D
    report; stock users and accountants open an RMA under inspection."""

    def test_inspector_opens_the_rma_and_creates_the_8d(self):
        user = self.user_qi
        self.assertFalse(user.has_group("rma_factory.group_rma_user"))
        rma = self._received_rma([(self.mould, 5, self.lot1)])
        inspection = rma.inspection_ids
        self.assertEqual(len(inspection), 1)
        self._assert_sees_rma_menu(user)
        form = self._open_rma_as(user, rma)
        self.assertEqual(form.state, "received")
        self.assertEqual(form.inspection_count, 1)
        self.assertEqual(form.open_inspection_count, 1)
        self.assertEqual(form.eightd_count, 0)
        # counted for every reader, though the Transfers button is not shown
        self.assertEqual(rma.with_user(user).picking_count, 1)
        buttons = self._view_buttons(user, self.env["factory.rma"])
        self.assertIn("action_create_8d", buttons)
        self.assertIn("action_view_inspections", buttons)
        # Transfers, repairs, sales and invoices are not the inspector's to open.
        for hidden in ("action_view_pickings", "action_view_repairs", "action_view_invoice"):
            self.assertNotIn(hidden, buttons)

        action = rma.with_user(user).action_create_8d()
        report = Form.from_action(self.env(user=user), action).record
        self.assertEqual(rma.eightd_ids, report)
        self.assertEqual(report.inspection_id, inspection)
        self.assertEqual(inspection.eightd_id, report)
        self.assertEqual(report.leader_id, user)
        self.assertEqual(report.state, "draft")
        report.action_start()
        self.assertEqual(report.state, "in_progress")
        self.assertEqual(self._open_rma_as(user, rma).eightd_count, 1)

        rma_qi = rma.with_user(user)
        with self.assertRaises(AccessError):
            rma_qi.write({"description": "changed by quality"})
        with self.assertRaises(AccessError):
            rma_qi.action_view_pickings()

    def test_stock_user_and_accountant_open_an_rma_under_inspection(self):
        rma = self._received_rma([(self.mould, 5, self.lot1)])
        rma.with_user(self.user_qi).action_create_8d()
        accountant = new_test_user(
            self.env, login="rma_q_acc", groups="account.group_account_invoice"
        )
        for user in (self.user_stock, accountant):
            with self.subTest(user=user.login):
                self._assert_sees_rma_menu(user)
                form = self._open_rma_as(user, rma)
                self.assertEqual(form.open_inspection_count, 1)
                # counted for every reader, though the buttons are not shown
                rma_user = rma.with_user(user)
                self.assertEqual(rma_user.inspection_count, 1)
                self.assertEqual(rma_user.eightd_count, 1)
                self.assertEqual(rma_user.line_ids.inspection_count, 1)
                buttons = self._view_buttons(user, self.env["factory.rma"])
                for hidden in ("action_view_inspections", "action_view_8d", "action_create_8d"):
                    self.assertNotIn(hidden, buttons)
                with self.assertRaises(AccessError):
                    rma.with_user(user).action_create_8d()
        self.assertEqual(len(rma.eightd_ids), 1)


@tagged("post_install", "-at_install")
class TestQualityRolesUi(QualityCommon, HttpCase):
    def test_inspector_creates_the_8d_from_the_rma(self):
        rma = self._received_rma([(self.mould, 5, self.lot1)])
        self.start_tour("/odoo", "rma_factory_quality_inspector_8d_tour", login="rma_qi")
        report = rma.eightd_ids
        self.assertEqual(len(report), 1)
        self.assertEqual(report.inspection_id, rma.inspection_ids)
        self.assertEqual(report.leader_id, self.user_qi)
        self.assertEqual(report.state, "in_progress")
