from odoo import fields, models


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
