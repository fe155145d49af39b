from odoo.exceptions import AccessError, UserError
from odoo.modules.migration import load_script
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
        # posting twice releases once
        invoice._rma_sync_selloff_releases()
        self.assertEqual(len(self._releases(rma)), 1)
        self.assertAlmostEqual(line._selloff_released_amount(), 120.0)

    def test_sell_off_without_write_down_books_only_revenue(self):
        rma = self._sold_off()
        order = rma.line_ids.selloff_order_ids
        self._validate(order.picking_ids)
        invoice = order._create_invoices()
        invoice.with_user(self.user_acc).action_post()
        self.assertAlmostEqual(invoice.amount_untaxed, 30.0)
        self.assertFalse(self._releases(rma))

    def _invoiced_selloff(self):
        """The sold-off goods written down to 20 (120 of loss), delivered
        and invoiced to the buyer by an accountant."""
        rma = self._sold_off()
        self._write_down(rma, 20.0)
        order = rma.line_ids.selloff_order_ids
        self._validate(order.picking_ids)
        invoice = order._create_invoices()
        invoice.with_user(self.user_acc).action_post()
        return rma, invoice

    def _credit_note(self, invoice, qty):
        """A credit note of ``qty`` units of ``invoice``, made and posted by
        an accountant through Odoo's reversal wizard and the form."""
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.user_acc)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "buyer sent goods back"})
        )
        note = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        with Form(note.with_user(self.user_acc)) as form, form.invoice_line_ids.edit(0) as item:
            item.quantity = qty
        note.with_user(self.user_acc).action_post()
        return note

    def test_reset_or_cancel_of_the_invoice_withdraws_its_release(self):
        rma, invoice = self._invoiced_selloff()
        line = rma.line_ids
        self.assertAlmostEqual(self._balance(self.allowance_account, line), 0.0)
        # an RMA user cannot reset it over RPC (the button is hidden): the
        # invoice stays posted, its release stands
        with self.assertRaises(UserError) as raised, self.cr.savepoint():
            invoice.with_user(self.user_cs).button_draft()
        self.assertIsInstance(raised.exception, AccessError)
        # nor can the buyer's portal user
        _contact, portal = self._portal_contact(
            self.buyer, "ScrapCo buyer", "buyer@example.com", "scrapco_portal"
        )
        with self.assertRaises(AccessError), self.cr.savepoint():
            invoice.with_user(portal).button_draft()
        self.env.invalidate_all()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(len(self._releases(rma)), 1)
        # back to draft: the release is withdrawn, the allowance is back
        invoice.with_user(self.user_acc).button_draft()
        withdrawal = self._releases(rma).filtered(lambda m: m.rma_selloff_amount < 0)
        self.assertEqual(len(withdrawal), 1)
        self.assertEqual(withdrawal.state, "posted")
        self.assertIn("withdrawn", withdrawal.ref)
        self.assertAlmostEqual(self._balance(self.allowance_account, line), -120.0)
        self.assertAlmostEqual(self._balance(self.expense_account, line), 0.0)
        self.assertAlmostEqual(line._selloff_released_amount(), 0.0)
        # posted again: released once more, not twice
        invoice.with_user(self.user_acc).action_post()
        self.assertAlmostEqual(self._balance(self.allowance_account, line), 0.0)
        self.assertAlmostEqual(self._balance(self.expense_account, line), -120.0)
        self.assertAlmostEqual(line._selloff_released_amount(), 120.0)
        # cancelled from posted (Odoo resets it first): withdrawn again
        invoice.with_user(self.user_acc).button_cancel()
        self.assertEqual(invoice.state, "cancel")
        self.assertAlmostEqual(self._balance(self.allowance_account, line), -120.0)
        self.assertAlmostEqual(line._selloff_released_amount(), 0.0)
        self.assertEqual(len(self._releases(rma)), 4)
        for entry in self._releases(rma):
            self.assertEqual(sum(entry.line_ids.mapped("balance")), 0.0)

    def test_credit_note_restores_the_allowance_of_the_units_credited(self):
        rma, invoice = self._invoiced_selloff()
        line = rma.line_ids
        # one of three units credited: 40 of the 120 released come back
        note = self._credit_note(invoice, 1)
        restore = self._releases(rma).filtered(lambda m: m.rma_selloff_invoice_id == note)
        self.assertEqual(len(restore), 1)
        self.assertAlmostEqual(restore.rma_selloff_amount, -40.0)
        allowance = restore.line_ids.filtered(lambda x: x.account_id == self.allowance_account)
        expense = restore.line_ids.filtered(lambda x: x.account_id == self.expense_account)
        self.assertAlmostEqual(allowance.credit, 40.0)
        self.assertAlmostEqual(expense.debit, 40.0)
        self.assertEqual(restore.line_ids.rma_line_id, line)
        self.assertAlmostEqual(self._balance(self.allowance_account, line), -40.0)
        self.assertAlmostEqual(line._selloff_released_amount(), 80.0)
        # the credit note back to draft: its restoration is withdrawn
        note.with_user(self.user_acc).button_draft()
        self.assertAlmostEqual(self._balance(self.allowance_account, line), 0.0)
        self.assertAlmostEqual(line._selloff_released_amount(), 120.0)
        note.with_user(self.user_acc).action_post()
        self.assertAlmostEqual(self._balance(self.allowance_account, line), -40.0)
        # a second credit note of all three units restores what is left, not more
        self._credit_note(invoice, 3)
        self.assertAlmostEqual(self._balance(self.allowance_account, line), -120.0)
        self.assertAlmostEqual(self._balance(self.expense_account, line), 0.0)
        self.assertAlmostEqual(line._selloff_released_amount(), 0.0)

    def test_full_refund_restores_the_whole_release(self):
        """Odoo's "full refund" posts the credit note at once (and its
        invoice is paid by it): the release goes back in the same act."""
        rma, invoice = self._invoiced_selloff()
        line = rma.line_ids
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.user_acc)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "sale withdrawn"})
        )
        wizard.modify_moves()
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertAlmostEqual(self._balance(self.allowance_account, line), -120.0)
        self.assertAlmostEqual(line._selloff_released_amount(), 0.0)

    def test_migration_gives_old_releases_their_amount(self):
        """A release posted before 18.0.1.7.0 had no released amount: the
        migration gives it its debit, and a reset then withdraws it once."""
        rma, invoice = self._invoiced_selloff()
        release = self._releases(rma)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move SET rma_selloff_amount = NULL WHERE id = %s", [release.id]
        )
        self.env.invalidate_all()
        script = load_script(
            "rma_factory_account/migrations/18.0.1.7.0/post-migrate.py", "rma_account_post"
        )
        script.migrate(self.env.cr, "18.0.1.6.0")
        self.env.invalidate_all()
        self.assertAlmostEqual(release.rma_selloff_amount, 120.0)
        invoice.with_user(self.user_acc).button_draft()
        self.assertAlmostEqual(self._balance(self.allowance_account, rma.line_ids), -120.0)
