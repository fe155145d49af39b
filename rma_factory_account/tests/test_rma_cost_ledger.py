from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .test_rma_interim import RmaValuationCommon


class RmaCostCommon(RmaValuationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.freight_expense = Account.create(
            {"name": "RMA freight cost", "code": "RMAFRT15", "account_type": "expense"}
        )
        cls.freight_accrual = Account.create(
            {"name": "RMA freight accrued", "code": "RMAACR15", "account_type": "liability_current"}
        )
        cls.loss_account = Account.create(
            {"name": "Defective-goods loss", "code": "RMALOSS15", "account_type": "expense"}
        )
        cls.company.write(
            {
                "rma_freight_cost_account_id": cls.freight_expense.id,
                "rma_freight_accrual_account_id": cls.freight_accrual.id,
                "rma_writedown_loss_account_id": cls.loss_account.id,
                "rma_labour_cost_hour": 50.0,
            }
        )
        cls.supplier = cls.env["res.partner"].create({"name": "PowerCo", "supplier_rank": 1})
        cls.plan_accounts = cls.env["factory.rma.line"]._rma_plan_accounts()

    def _analytic(self, party):
        return self.env.ref(f"rma_factory_account.analytic_responsibility_{party}")

    def _ledger(self, rma, groupby):
        groups = (
            self.env["factory.rma.cost"]
            .with_user(self.user_mgr)
            .read_group([("rma_id", "=", rma.id)], ["amount:sum"], [groupby], lazy=False)
        )
        return {g[groupby]: round(g["amount"], 2) for g in groups}

    def _handling_time(self, rma, hours, kind="inspection"):
        return (
            self.env["factory.rma.handling.time"]
            .with_user(self.user_cs)
            .create({"line_id": rma.line_ids[:1].id, "hours": hours, "kind": kind})
        )


@tagged("post_install", "-at_install")
class TestRmaCostLedger(RmaCostCommon):
    """The cost ledger per RMA line and responsible party (issue #15)."""

    def _supplier_refund(self):
        """AS-24-like: 2 × C-20 (price 15, cost 8) of Dealer B come back,
        judged "supplier PowerCo": company freight 40 posted at approval,
        1 h inspection at 50, credit note 30, write-down to 3 per unit."""
        order = self._deliver(self.dealer_b, [(self.connector, 5, None)])
        self._invoice(order)
        rma = self._create_rma(order, freight_payer="company")
        rma.line_ids.quantity = 2
        self._approve(rma)
        rma.freight_amount = 40.0
        rma.with_user(self.user_accountant).action_post_freight_cost()
        freight = rma.freight_cost_move_id
        self.assertEqual(freight.state, "posted")
        self.assertEqual(set(freight.line_ids.mapped("rma_cost_party")), {"undetermined", False})
        self._receive(rma)
        rma.line_ids.with_user(self.user_cs).write(
            {"responsibility": "supplier", "responsible_partner_id": self.supplier.id}
        )
        self._decide(rma, "refund", "defective")
        rma.with_user(self.user_cs).action_judge()
        rma.action_process()
        self._validate(self._pickings_of_kind(rma, "routing"))
        self._handling_time(rma, 1.0)
        rma.with_user(self.user_accountant).action_book_handling_time()
        rma.with_user(self.user_accountant).action_create_credit_note()
        rma.credit_note_ids.with_user(self.user_accountant).action_post()
        self.assertEqual(rma.state, "done")
        action = rma.with_user(self.user_accountant).action_open_writedown_wizard()
        wizard = self.env[action["res_model"]].with_user(self.user_accountant)
        with Form(wizard.browse(action["res_id"])) as form, form.line_ids.edit(0) as line:
            line.realisable_value = 3.0
        wizard.browse(action["res_id"]).action_confirm()
        return rma

    def test_supplier_flow_costs_by_type_and_party(self):
        rma = self._supplier_refund()
        self.assertEqual(
            self._ledger(rma, "cost_type"),
            {
                "freight": 40.0,
                "handling": 50.0,
                "credit_note": 30.0,
                "goods_returned": -16.0,
                "write_down": 10.0,
            },
        )
        self.assertEqual(self._ledger(rma, "party"), {"supplier": 114.0})
        rows = self.env["factory.rma.cost"].search([("rma_id", "=", rma.id)])
        self.assertEqual(set(rows.responsible_partner_id.ids), {self.supplier.id})
        self.assertEqual(set(rows.rma_line_id.ids), set(rma.line_ids.ids))
        self.assertFalse(rows.filtered("is_recovery"))

    def test_every_journal_item_carries_the_responsibility_analytic(self):
        """Freight (posted before the judgement, re-analysed by it), handling
        time, credit note and its cost reversal, write-down: every item but
        receivables, payables and taxes carries "Supplier" of the plan."""
        rma = self._supplier_refund()
        supplier = self._analytic("supplier")
        moves = self.env["account.move"].search([("rma_id", "=", rma.id)])
        self.assertEqual(
            set(moves.mapped("rma_entry_type")) | set(moves.mapped("move_type")),
            {False, "handling", "entry", "out_refund"},
        )
        items = moves.line_ids.filtered(
            lambda x: (
                x.account_id.account_type not in ("asset_receivable", "liability_payable")
                and x.display_type != "tax"
            )
        )
        self.assertGreaterEqual(len(items), 9)
        for item in items:
            plan_keys = {
                key
                for key in item.analytic_distribution or {}
                if int(key) in self.plan_accounts.ids
            }
            self.assertEqual(plan_keys, {str(supplier.id)}, f"{item.move_id.name} {item.name}")
        analytic_lines = self.env["account.analytic.line"].search(
            [("move_line_id", "in", items.ids), (supplier.plan_id._column_name(), "=", supplier.id)]
        )
        self.assertEqual(len(analytic_lines), len(items))
        receivable = moves.line_ids.filtered(
            lambda x: x.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(receivable)
        self.assertFalse(any(receivable.mapped("analytic_distribution")))

    def test_handling_time_guards(self):
        order = self._deliver(self.dealer_b, [(self.connector, 2, None)])
        rma = self._create_rma(order)
        self._approve(rma)
        with self.assertRaises(UserError) as error:
            self._handling_time(rma, 1.0)
        self.assertIn("once the goods are received", str(error.exception))
        self.env.invalidate_all()
        self.assertFalse(rma.handling_time_ids, "nothing half-written")
        self._receive(rma)
        with self.assertRaises(AccessError):
            self.env["factory.rma.handling.time"].with_user(self.user_stock).create(
                {"line_id": rma.line_ids.id, "hours": 1.0}
            )
        time = self._handling_time(rma, 2.0, kind="sorting")
        self.assertEqual(time.amount, 100.0)
        rma.with_user(self.user_cs).action_book_handling_time()
        entry = time.move_id
        self.assertEqual(entry.state, "draft", "an RMA user prepares, accounting posts")
        self.assertEqual(
            sorted((x.account_id, x.balance) for x in entry.line_ids),
            sorted(
                [
                    (self.company.rma_reprocessing_account_id, 100.0),
                    (self.company.rma_labour_absorbed_account_id, -100.0),
                ]
            ),
        )
        with self.assertRaisesRegex(UserError, "booked"):
            time.with_user(self.user_cs).write({"hours": 3.0})
        with self.assertRaisesRegex(UserError, "no handling time left"):
            rma.with_user(self.user_cs).action_book_handling_time()
        self.assertEqual(time.hours, 2.0)


@tagged("post_install", "-at_install")
class TestRmaMisjudgment(RmaCostCommon):
    """AS-15: a claim the judgement did not confirm counts against the
    dealer; the second one in the policy's period (a quarter) is a repeated
    misjudgment: its handling costs are sales expense and the dealer is
    charged."""

    def _invalid_claim(self, when, freight=0.0, judge=None):
        with freeze_time(when):
            order = self._deliver(self.dealer_b, [(self.connector, 3, None)])
            rma = self._create_rma(order, freight_payer="company")
            rma.line_ids.quantity = 1
            self._approve(rma)
            if freight:
                rma.freight_amount = freight
                rma.with_user(self.user_accountant).action_post_freight_cost()
            self._receive(rma)
            rma.line_ids.with_user(self.user_cs).write({"claim_not_confirmed": True})
            self._decide(rma, "send_back")
            rma.with_user(judge or self.user_cs).action_judge()
        return rma

    def test_second_invalid_claim_in_the_quarter_is_charged(self):
        first = self._invalid_claim("2026-01-20 10:00:00")
        self.assertEqual(first.misjudgment_rank, 1)
        self.assertFalse(first.repeated_misjudgment)
        with self.assertRaisesRegex(UserError, "not a repeated misjudgment"):
            first.with_user(self.user_cs).action_charge_misjudgment()
        second = self._invalid_claim("2026-02-10 10:00:00", freight=40.0)
        self.assertEqual(second.misjudgment_rank, 2)
        self.assertTrue(second.repeated_misjudgment)
        self.assertEqual(
            self.dealer_b.with_user(self.user_cs).rma_invalid_claim_count, 2, "counter"
        )
        self.assertEqual(self.dealer_b.with_user(self.user_stock).rma_invalid_claim_count, 2)
        # the freight posted at approval moves to sales expense: a draft of
        # the RMA user's judgement, posted by accounting
        reclass = self.env["account.move"].search(
            [("rma_id", "=", second.id), ("rma_entry_type", "=", "handling")]
        )
        self.assertEqual(reclass.state, "draft")
        reclass.with_user(self.user_accountant).action_post()
        misjudgment = self.company.rma_misjudgment_account_id
        self.assertEqual(
            self._items(reclass),
            [(self.freight_expense.code, 0.0, 40.0), (misjudgment.code, 40.0, 0.0)],
        )
        self._handling_time(second, 1.5)
        second.with_user(self.user_accountant).action_book_handling_time()
        items = self.env["account.move.line"].search(
            [("rma_id", "=", second.id), ("parent_state", "=", "posted")]
        )
        by_account = {}
        for item in items:
            by_account[item.account_id] = by_account.get(item.account_id, 0.0) + item.balance
        self.assertEqual(by_account[misjudgment], 115.0, "freight 40 + handling 1.5 h × 50")
        self.assertEqual(by_account[self.freight_expense], 0.0)
        action = second.with_user(self.user_cs).action_charge_misjudgment()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.partner_id, self.dealer_b)
        self.assertAlmostEqual(invoice.amount_total, 115.0)
        with self.assertRaisesRegex(UserError, "charged or not booked yet"):
            second.with_user(self.user_cs).action_charge_misjudgment()
        invoice.with_user(self.user_accountant).action_post()
        self.assertEqual(
            self._ledger(second, "cost_type"),
            {"freight": 40.0, "handling": 75.0, "customer_charge": -115.0},
        )
        self.assertEqual(self._ledger(second, "party"), {"sales": 0.0})
        sales = self._analytic("sales")
        self.assertTrue(
            all(
                str(sales.id) in (x.analytic_distribution or {})
                for x in items.filtered(lambda x: x.rma_cost_type)
            )
        )
        # next quarter: counting starts again
        third = self._invalid_claim("2026-04-02 10:00:00")
        self.assertEqual(third.misjudgment_rank, 1)
        self.assertFalse(third.repeated_misjudgment)

    def test_policy_threshold_and_period(self):
        self.policy.write({"misjudgment_threshold": 3, "misjudgment_period": "year"})
        self._invalid_claim("2026-01-20 10:00:00")
        second = self._invalid_claim("2026-05-10 10:00:00")
        self.assertEqual(second.misjudgment_rank, 2)
        self.assertFalse(second.repeated_misjudgment)
        third = self._invalid_claim("2026-09-10 10:00:00")
        self.assertEqual(third.misjudgment_rank, 3)
        self.assertTrue(third.repeated_misjudgment)
        self.assertEqual(third.line_ids._rma_cost_party(), "sales")

    def test_an_accountant_judging_posts_the_reclassification(self):
        self._invalid_claim("2026-01-20 10:00:00")
        judge = self.user_mgr_acc
        second = self._invalid_claim("2026-02-10 10:00:00", freight=40.0, judge=judge)
        reclass = self.env["account.move"].search(
            [("rma_id", "=", second.id), ("rma_entry_type", "=", "handling")]
        )
        self.assertEqual(reclass.state, "posted")
        invoice_vals = second._prepare_misjudgment_charge_line_vals()
        self.assertEqual(invoice_vals["price_unit"], 40.0)
        self.assertEqual(invoice_vals["tax_ids"], [Command.clear()])
