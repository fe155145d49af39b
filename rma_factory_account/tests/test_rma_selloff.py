from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaSellOff(RmaAccountCommon):
    """AS-16: 3 × M-100 (cost 60) sold off to ScrapCo at 10 after a
    write-down to 20: the invoice's revenue and the written-down value meet
    in the accounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.loss_account = Account.create(
            {"name": "Defective-goods loss", "code": "660110", "account_type": "expense"}
        )
        cls.allowance_account = Account.create(
            {"name": "Inventory allowance", "code": "140910", "account_type": "asset_current"}
        )
        cls.company.write(
            {
                "rma_writedown_loss_account_id": cls.loss_account.id,
                "rma_writedown_allowance_account_id": cls.allowance_account.id,
            }
        )
        cls.user_acc = new_test_user(
            cls.env, login="rma_acc_selloff", groups="account.group_account_invoice"
        )
        cls.buyer = cls.env["res.partner"].create({"name": "ScrapCo"})
        cls.expense_account = cls.mould.product_tmpl_id.get_product_accounts()["expense"]

    def _sold_off(self):
        order = self._deliver(self.dealer_b, [(self.mould, 3, self.lot2)])
        rma = self._create_rma(order)
        self._approve(rma)
        self._receive(rma)
        rma.line_ids.write({"responsibility": "production"})
        self._decide(rma, "sell_off")
        rma.line_ids.with_user(self.user_cs).write(
            {"selloff_partner_id": self.buyer.id, "selloff_price_unit": 10.0}
        )
        rma.line_ids.with_user(self.user_gm).action_approve_outcome()
        rma.with_user(self.user_cs).action_judge()
        rma.with_user(self.user_cs).action_process()
        self._validate(self._pickings_of_kind(rma, "routing"))
        return rma

    def _write_down(self, rma, value):
        action = rma.with_user(self.user_acc).action_open_writedown_wizard()
        wizard = self.env[action["res_model"]].with_user(self.user_acc).browse(action["res_id"])
        with Form(wizard) as form, form.line_ids.edit(0) as line:
            line.realisable_value = value
        return wizard.action_confirm()

    def _releases(self, rma):
        return self.env["account.move"].search(
            [("rma_id", "=", rma.id), ("rma_selloff_invoice_id", "!=", False)]
        )

    def _balance(self, account, rma_line):
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", account.id),
                ("rma_line_id", "=", rma_line.id),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("balance"))

    def test_sell_off_revenue_meets_written_down_value(self):
        rma = self._sold_off()
        line = rma.line_ids
        writedown = self._write_down(rma, 20.0)
        self.assertEqual(writedown.state, "posted")
        self.assertAlmostEqual(line.writedown_amount, 120.0)
        order = line.selloff_order_ids
        self._validate(order.picking_ids)
        self.assertEqual(order.order_line.qty_delivered, 3)
        invoice = order._create_invoices()
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(self._releases(rma))
        # an RMA user cannot post it (only accounting posts)
        with self.assertRaises(UserError):
            invoice.with_user(self.user_cs).action_post()
        self.env.invalidate_all()
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(self._releases(rma))
        invoice.with_user(self.user_acc).action_post()
        revenue = invoice.line_ids.filtered(lambda x: x.display_type == "product")
        self.assertAlmostEqual(revenue.credit, 30.0)
        self.assertAlmostEqual(self._receivable(invoice).debit, 33.9)
        release = self._releases(rma)
        self.assertEqual(len(release), 1)
        self.assertEqual(release.state, "posted")
        self.assertEqual(release.rma_selloff_invoice_id, invoice)
        allowance = release.line_ids.filtered(lambda x: x.account_id == self.allowance_account)
        expense = release.line_ids.filtered(lambda x: x.account_id == self.expense_account)
        self.assertAlmostEqual(allowance.debit, 120.0)
        self.assertAlmostEqual(expense.credit, 120.0)
        self.assertEqual(release.line_ids.rma_line_id, line)
        production = self.env.ref("rma_factory_account.analytic_responsibility_production")
        self.assertEqual(expense.analytic_distribution, {str(production.id): 100})
        # the allowance of the goods sold is gone: what remains is the
        # write-down loss against the revenue of the sale
        self.assertAlmostEqual(self._balance(self.allowance_account, line), 0.0)
        self.assertAlmostEqual(self._balance(self.loss_account, line), 120.0)
        # posting again after a reset does not release twice
        invoice.with_user(self.user_acc).button_draft()
        invoice.with_user(self.user_acc).action_post()
        self.assertEqual(len(self._releases(rma)), 1)

    def test_sell_off_without_write_down_books_only_revenue(self):
        rma = self._sold_off()
        order = rma.line_ids.selloff_order_ids
        self._validate(order.picking_ids)
        invoice = order._create_invoices()
        invoice.with_user(self.user_acc).action_post()
        self.assertAlmostEqual(invoice.amount_untaxed, 30.0)
        self.assertFalse(self._releases(rma))
