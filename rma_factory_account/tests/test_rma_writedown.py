from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import RmaAccountCommon


@tagged("post_install", "-at_install")
class TestRmaWritedown(RmaAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.loss_account = Account.create(
            {"name": "Defective-goods loss", "code": "660100", "account_type": "expense"}
        )
        cls.allowance_account = Account.create(
            {
                "name": "Inventory allowance",
                "code": "140900",
                "account_type": "asset_current",
            }
        )
        cls.company.write(
            {
                "rma_writedown_loss_account_id": cls.loss_account.id,
                "rma_writedown_allowance_account_id": cls.allowance_account.id,
            }
        )
        cls.user_acc = new_test_user(
            cls.env, login="rma_acc_wd", groups="account.group_account_invoice"
        )
        cls.production = cls.env.ref("rma_factory_account.analytic_responsibility_production")

    def _defective_rma(self):
        """AS-17: 5 × M-100 (cost 60) returned, judged 'production', routed
        to RMA/Defective."""
        order = self._deliver(self.customer_c, [(self.mould, 10, self.lot1)])
        rma = self._create_rma(order)
        rma.line_ids.quantity = 5
        self._approve(rma)
        self._receive(rma)
        rma.line_ids.write({"responsibility": "production"})
        self._decide(rma, "replace", "defective")
        rma.action_judge()
        rma.action_process()
        self._validate(self._pickings_of_kind(rma, "routing"))
        self.assertEqual(self._qty(self.mould, self.defective_loc, self.lot1), 5)
        return rma

    def _write_down(self, rma, value, user=None):
        env_rma = rma.with_user(user) if user else rma
        action = env_rma.action_open_writedown_wizard()
        wizard = self.env[action["res_model"]].with_user(user or self.env.user)
        wizard = wizard.browse(action["res_id"])
        with Form(wizard) as form, form.line_ids.edit(0) as line:
            self.assertAlmostEqual(line.unit_cost, 60.0)
            self.assertEqual(line.quantity, 5)
            line.realisable_value = value
        return wizard.action_confirm()

    def test_writedown_to_realisable_value_by_responsibility(self):
        rma = self._defective_rma()
        line = rma.line_ids
        svl_before = self.env["stock.valuation.layer"].search_count(
            [("product_id", "=", self.mould.id)]
        )
        move = self._write_down(rma, 20.0, user=self.user_acc)
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.rma_id, rma)
        loss = move.line_ids.filtered(lambda x: x.account_id == self.loss_account)
        allowance = move.line_ids.filtered(lambda x: x.account_id == self.allowance_account)
        self.assertAlmostEqual(loss.debit, 200.0)
        self.assertAlmostEqual(allowance.credit, 200.0)
        self.assertEqual(move.line_ids.rma_line_id, line)
        self.assertEqual(move.line_ids.partner_id, self.customer_c)
        self.assertEqual(loss.analytic_distribution, {str(self.production.id): 100})
        analytic = self.env["account.analytic.line"].search([("move_line_id", "=", loss.id)])
        self.assertAlmostEqual(analytic.amount, -200.0)
        self.assertEqual(analytic[self.production.plan_id._column_name()], self.production)
        self.assertEqual(line.realisable_value, 20.0)
        self.assertAlmostEqual(line.writedown_amount, 200.0)
        # Stock value of M-100 untouched: no new valuation layer, cost 60.
        self.assertEqual(
            self.env["stock.valuation.layer"].search_count([("product_id", "=", self.mould.id)]),
            svl_before,
        )
        self.assertEqual(self.mould.standard_price, 60.0)
        # The write-down is not a credit.
        self.assertEqual(line.qty_credited, 0)

        # Editing the value books only the difference: the RMA Manager
        # prepares it, an accountant posts it.
        back = self._write_down(rma, 30.0, user=self.user_mgr)
        self.assertEqual(back.state, "draft", "an RMA Manager does not post")
        self.assertAlmostEqual(
            back.line_ids.filtered(lambda x: x.account_id == self.loss_account).credit, 50.0
        )
        self.assertAlmostEqual(line.writedown_amount, 200.0, "only posted entries count")
        self.assertEqual(line.realisable_value, 30.0)
        with self.assertRaises(AccessError):
            back.with_user(self.user_mgr).action_post()
        self.assertFalse(self._write_down(rma, 30.0), "the draft counts: nothing booked twice")
        back.with_user(self.user_acc).action_post()
        self.assertAlmostEqual(line.writedown_amount, 150.0)
        self.assertFalse(self._write_down(rma, 30.0), "same value: nothing posted")
        self.assertEqual(len(line.writedown_move_ids), 2)
        total = sum(
            self.env["account.move.line"]
            .search([("account_id", "=", self.loss_account.id), ("rma_line_id", "=", line.id)])
            .mapped("balance")
        )
        self.assertAlmostEqual(total, 150.0)

    def test_value_above_cost_or_without_rights_is_refused(self):
        rma = self._defective_rma()
        with self.assertRaises(UserError):
            self._write_down(rma, 70.0)
        with self.assertRaises(UserError):
            self._write_down(rma, -1.0)
        with self.assertRaises(AccessError):
            rma.with_user(self.user_cs).action_open_writedown_wizard()
        self.assertFalse(rma.line_ids.writedown_move_ids)
        self.assertEqual(rma.line_ids.realisable_value, 0.0)

    def test_missing_loss_account_is_a_clear_error(self):
        rma = self._defective_rma()
        self.company.rma_writedown_loss_account_id = False
        with self.assertRaises(UserError):
            self._write_down(rma, 20.0)
        self.assertFalse(rma.line_ids.writedown_move_ids)
