from odoo import Command
from odoo.tests import new_test_user, tagged

from ..models.res_company import RMA_COST_ACCOUNTS
from .test_rma_cost_ledger import RmaCostCommon


@tagged("post_install", "-at_install")
class TestRmaCostAccountsPerCompany(RmaCostCommon):
    """Issue #15: the RMA cost accounts are each company's own (created with
    its chart of accounts), its warehouses' RMA scrap locations value into
    its own scrap loss account, and the cost ledger shows a company's
    costs only to its users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Factory B"})

    def _load_chart_b(self):
        self.env["account.chart.template"].try_loading(
            "generic_coa", self.company_b, install_demo=False
        )

    def test_a_new_company_gets_its_own_cost_accounts(self):
        self.assertFalse(self.company_b.rma_warranty_cost_account_id, "no chart, no account yet")
        self._load_chart_b()
        for field, code, _name in RMA_COST_ACCOUNTS:
            own, other = self.company[field], self.company_b[field]
            self.assertTrue(own, field)
            self.assertTrue(other, field)
            self.assertNotEqual(own, other, field)
            self.assertEqual(other.company_ids, self.company_b, field)
            self.assertEqual(other.with_company(self.company_b).code, code)
        journal_b = self.company_b._rma_cost_journal()
        self.assertEqual((journal_b.company_id, journal_b.type), (self.company_b, "general"))

    def test_scrap_locations_value_into_their_company_account(self):
        self._load_chart_b()
        warehouse_a = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        warehouse_b = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_b.id)], limit=1
        )
        scrap_a, scrap_b = warehouse_a.rma_scrap_loc_id, warehouse_b.rma_scrap_loc_id
        self.assertEqual(scrap_a.valuation_in_account_id, self.company.rma_scrap_account_id)
        self.assertEqual(scrap_b.valuation_in_account_id, self.company_b.rma_scrap_account_id)
        self.assertEqual(scrap_b.valuation_out_account_id, self.company_b.rma_scrap_account_id)
        # a warehouse created later gets it at once
        warehouse_b2 = (
            self.env["stock.warehouse"]
            .with_company(self.company_b)
            .create({"name": "Factory B East", "code": "FBE", "company_id": self.company_b.id})
        )
        self.assertEqual(
            warehouse_b2.rma_scrap_loc_id.valuation_in_account_id,
            self.company_b.rma_scrap_account_id,
        )
        # changing company B's account moves B's locations only
        other = (
            self.env["account.account"]
            .with_company(self.company_b)
            .create({"name": "Scrap B", "code": "SCRB15", "account_type": "expense"})
        )
        self.company_b.rma_scrap_account_id = other
        self.assertEqual(
            (scrap_b | warehouse_b2.rma_scrap_loc_id).valuation_in_account_id,
            other,
        )
        self.assertEqual(scrap_a.valuation_in_account_id, self.company.rma_scrap_account_id)

    def test_ledger_of_a_company_for_its_users_only(self):
        self._load_chart_b()
        order = self._deliver(self.dealer_b, [(self.connector, 5, None)])
        rma = self._create_rma(order)
        rma.line_ids.quantity = 1
        self._approve(rma)
        self._receive(rma)
        self._handling_time(rma, 2.0)
        rma.with_user(self.user_accountant).action_book_handling_time()
        handling = self.env["account.move"].search(
            [("rma_id", "=", rma.id), ("rma_entry_type", "=", "handling")]
        )
        self.assertEqual(handling.state, "posted")
        self.assertEqual(handling.company_id, self.company)
        self.assertEqual(
            handling.line_ids.filtered(lambda x: x.debit).account_id,
            self.company.rma_reprocessing_account_id,
        )
        self.assertEqual(
            handling.line_ids.filtered(lambda x: x.credit).account_id,
            self.company.rma_labour_absorbed_account_id,
        )
        accountant_b = new_test_user(
            self.env,
            login="rma_cost_acc_b",
            groups="account.group_account_invoice",
            company_id=self.company_b.id,
            company_ids=[Command.set(self.company_b.ids)],
        )
        Ledger = self.env["factory.rma.cost"]
        domain = [("rma_id", "=", rma.id)]
        self.assertEqual(
            sum(Ledger.with_user(self.user_accountant).search(domain).mapped("amount")), 100.0
        )
        self.assertFalse(Ledger.with_user(accountant_b).search(domain))
        self.assertEqual(Ledger.with_user(accountant_b).search_count([]), 0)
