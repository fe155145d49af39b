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
