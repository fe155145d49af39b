from odoo.tests import new_test_user, tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaAccountViews(RmaAccountCommon):
    def test_views_load_for_accountants_and_rma_managers(self):
        accountant = new_test_user(
            self.env, login="rma_acc_views", groups="account.group_account_invoice"
        )
        for user in (accountant, self.user_mgr):
            views = (
                self.env["factory.rma.matching"]
                .with_user(user)
                .get_views([(False, "list"), (False, "pivot"), (False, "search")])
            )
            self.assertIn("has_mismatch", views["views"]["list"]["arch"])
            self.assertIn("not_credited", views["views"]["search"]["arch"])
            form = self.env["factory.rma"].with_user(user).get_views([(False, "form")])
            self.assertIn("action_open_writedown_wizard", form["views"]["form"]["arch"])
        acc_form = self.env["factory.rma"].with_user(accountant).get_views([(False, "form")])
        self.assertIn("action_register_refund_payment", acc_form["views"]["form"]["arch"])
        cs_form = self.env["factory.rma"].with_user(self.user_cs).get_views([(False, "form")])
        self.assertNotIn("action_register_refund_payment", cs_form["views"]["form"]["arch"])
        for model in ("factory.rma.credit.wizard", "factory.rma.writedown.wizard"):
            arch = self.env[model].with_user(accountant).get_views([(False, "form")])
            self.assertIn("action_confirm", arch["views"]["form"]["arch"])
        settings = self.env["res.config.settings"].get_views([(False, "form")])
        self.assertIn("rma_writedown_loss_account_id", settings["views"]["form"]["arch"])
        move_form = self.env["account.move"].with_user(accountant).get_views([(False, "form")])
        self.assertIn("action_view_rma", move_form["views"]["form"]["arch"])
        menus = self.env["ir.ui.menu"].with_user(accountant)._visible_menu_ids()
        for xmlid in (
            "rma_factory_account.menu_factory_rma_matching_account",
            "rma_factory_account.menu_rma_credit_notes_account",
        ):
            self.assertIn(self.env.ref(xmlid).id, menus)
