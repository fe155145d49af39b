from odoo import _, fields, models
from odoo.exceptions import UserError

#: (field, code, name) of the accounts an RMA's costs go to
#: (ACC-19, RESP-11/12, DESIGN "costs by responsibility"), created for every
#: company with a chart of accounts and configurable in the settings.
RMA_COST_ACCOUNTS = [
    ("rma_warranty_cost_account_id", "RMAWAR", "RMA warranty and replacement cost"),
    ("rma_reprocessing_account_id", "RMAREP", "RMA reprocessing cost"),
    ("rma_misjudgment_account_id", "RMAMIS", "RMA misjudgment handling (sales expense)"),
    ("rma_scrap_account_id", "RMASCR", "RMA scrap loss"),
    ("rma_labour_absorbed_account_id", "RMALAB", "RMA labour absorbed"),
    ("rma_carrier_receivable_account_id", "RMACARR", "Receivable from carriers"),
    ("rma_supplier_receivable_account_id", "RMASUPP", "Receivable from suppliers"),
]
#: (account type, reconcilable) of each account created.
RMA_COST_ACCOUNT_TYPES = {
    "rma_warranty_cost_account_id": ("expense_direct_cost", False),
    "rma_reprocessing_account_id": ("expense_direct_cost", False),
    "rma_misjudgment_account_id": ("expense", False),
    "rma_scrap_account_id": ("expense_direct_cost", False),
    "rma_labour_absorbed_account_id": ("expense", False),
    "rma_carrier_receivable_account_id": ("asset_current", True),
    "rma_supplier_receivable_account_id": ("asset_current", True),
}


class ResCompany(models.Model):
    _inherit = "res.company"

    rma_writedown_loss_account_id = fields.Many2one(
        "account.account",
        "Defective-Goods Loss Account",
        check_company=True,
        help="Expense account debited when defective RMA goods are written down to their "
        "realisable value.",
    )
    rma_writedown_allowance_account_id = fields.Many2one(
        "account.account",
        "Defective-Goods Allowance Account",
        check_company=True,
        help="Inventory allowance credited by write-downs. Empty: the stock valuation "
        "account of the product's category.",
    )
    rma_writedown_journal_id = fields.Many2one(
        "account.journal",
        "Write-down Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Empty: the stock journal of the product's category, else the first "
        "miscellaneous journal.",
    )
    rma_deposit_account_id = fields.Many2one(
        "account.account",
        "RMA Customer Deposits Account",
        check_company=True,
        domain="[('account_type', 'in', ('liability_current', 'liability_non_current'))]",
        help="Liability credited by the deposits customers pay for an advance replacement "
        "(押金) and debited when the deposit is paid back or applied.",
    )
    rma_deposit_journal_id = fields.Many2one(
        "account.journal",
        "RMA Deposit Journal",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Journal of the deposit payments. Empty: the company's first bank journal.",
    )

    rma_freight_cost_account_id = fields.Many2one(
        "account.account",
        "RMA Freight Cost Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
        help="Expense debited with the company's share of the freight of a return.",
    )
    rma_freight_accrual_account_id = fields.Many2one(
        "account.account",
        "RMA Freight Accrual Account",
        check_company=True,
        domain="[('account_type', 'in', ('liability_current', 'liability_payable'))]",
        help="Accrued (or payable) account credited with the company's freight share until "
        "the carrier's bill arrives.",
    )

    # Costs of returns by responsibility (issue #15)
    rma_warranty_cost_account_id = fields.Many2one(
        "account.account",
        "RMA Warranty Cost Account",
        check_company=True,
        help="Expense debited with goods shipped free and never coming back: shortage "
        "replacements, unreturned free spare parts, replacements whose goods stay with the "
        "customer.",
    )
    rma_reprocessing_account_id = fields.Many2one(
        "account.account",
        "RMA Reprocessing Account",
        check_company=True,
        help="Cost of sales debited with reprocessing: repair parts and labour, sorting and "
        "inspection time of nonconforming goods (销售成本).",
    )
    rma_misjudgment_account_id = fields.Many2one(
        "account.account",
        "RMA Misjudgment Account",
        check_company=True,
        help="Sales expense debited with the handling costs of a customer's repeated "
        "misjudgment (销售费用): freight and handling time.",
    )
    rma_scrap_account_id = fields.Many2one(
        "account.account",
        "RMA Scrap Loss Account",
        check_company=True,
        help="Valuation account of the warehouses' RMA scrap locations: scrapped RMA goods are "
        "expensed here, never through the stock interim accounts.",
    )
    rma_labour_absorbed_account_id = fields.Many2one(
        "account.account",
        "RMA Labour Absorbed Account",
        check_company=True,
        help="Credited with the handling time booked on RMAs (the counterpart of the "
        "reprocessing or misjudgment cost).",
    )
    rma_labour_cost_hour = fields.Float(
        "RMA Labour Cost per Hour",
        digits="Product Price",
        help="Cost of an hour of sorting, inspection or repair labour, in company currency.",
    )
    rma_carrier_receivable_account_id = fields.Many2one(
        "account.account",
        "Receivable from Carriers",
        check_company=True,
        help="Debited with the part of a carrier-damage loss the carrier accepted to pay and "
        "credited by its claim invoice.",
    )
    rma_supplier_receivable_account_id = fields.Many2one(
        "account.account",
        "Receivable from Suppliers",
        check_company=True,
        help="Debited with what a supplier judged responsible owes back (supplier recovery).",
    )
    rma_cost_journal_id = fields.Many2one(
        "account.journal",
        "RMA Cost Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal of the RMA cost entries (interim balancing, handling time, "
        "misjudgment). Empty: the first miscellaneous journal.",
    )

    def _rma_cost_journal(self):
        self.ensure_one()
        return self.rma_cost_journal_id or self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(self), ("type", "=", "general")],
            limit=1,
        )

    def _rma_setup_cost_accounts(self):
        """Called by the post-init hook and when a chart is loaded: give
        every company with a chart of accounts its RMA cost accounts, and
        the RMA scrap locations of its warehouses their valuation account."""
        Account = self.env["account.account"].sudo()
        for company in self:
            domain = Account._check_company_domain(company)
            if not Account.search_count(domain, limit=1):
                continue
            vals = {}
            for field, code, name in RMA_COST_ACCOUNTS:
                if company[field]:
                    continue
                account_type, reconcile = RMA_COST_ACCOUNT_TYPES[field]
                account = Account.with_company(company).search(
                    [*domain, ("code", "=", code)], limit=1
                ) or Account.with_company(company).create(
                    {
                        "name": name,
                        "code": code,
                        "account_type": account_type,
                        "reconcile": reconcile,
                        "company_ids": [fields.Command.set(company.ids)],
                    }
                )
                vals[field] = account.id
            if vals:
                company.sudo().write(vals)
            company._rma_update_scrap_locations()

    def _rma_update_scrap_locations(self):
        """The RMA scrap locations carry the scrap loss account, so that
        Odoo values scrapped goods into it (a scrap location without one
        would debit the stock interim account)."""
        for company in self:
            account = company.rma_scrap_account_id
            warehouses = (
                self.env["stock.warehouse"]
                .sudo()
                .with_context(active_test=False)
                .search([("company_id", "=", company.id)])
            )
            locations = warehouses.rma_scrap_loc_id
            if account and locations:
                locations.write(
                    {"valuation_in_account_id": account.id, "valuation_out_account_id": account.id}
                )

    def write(self, vals):
        res = super().write(vals)
        if "rma_scrap_account_id" in vals:
            self._rma_update_scrap_locations()
        return res

    def _rma_check_account(self, field):
        """The RMA cost account ``field`` of the company, or a clear error."""
        self.ensure_one()
        account = self[field]
        if not account:
            raise UserError(
                _(
                    "Set the account “%(account)s” of %(company)s in the RMA accounting settings "
                    "first.",
                    account=self._fields[field].get_description(self.env)["string"],
                    company=self.name,
                )
            )
        return account

    def _rma_setup_deposit_account(self):
        """Called by the post-init hook (and usable after a chart is
        installed): give every company with a chart of accounts an "RMA
        customer deposits" liability, reconcilable so that the deposit and
        its release or application match."""
        Account = self.env["account.account"].sudo()
        for company in self.filtered(lambda c: not c.rma_deposit_account_id):
            domain = Account._check_company_domain(company)
            if not Account.search_count(domain, limit=1):
                continue
            account = Account.with_company(company).search(
                [*domain, ("code", "=", "RMADEP")], limit=1
            ) or Account.with_company(company).create(
                {
                    "name": "RMA Customer Deposits",
                    "code": "RMADEP",
                    "account_type": "liability_current",
                    "reconcile": True,
                    "company_ids": [fields.Command.set(company.ids)],
                }
            )
            company.sudo().rma_deposit_account_id = account
