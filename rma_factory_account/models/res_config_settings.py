from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    rma_writedown_loss_account_id = fields.Many2one(
        related="company_id.rma_writedown_loss_account_id", readonly=False
    )
    rma_writedown_allowance_account_id = fields.Many2one(
        related="company_id.rma_writedown_allowance_account_id", readonly=False
    )
    rma_writedown_journal_id = fields.Many2one(
        related="company_id.rma_writedown_journal_id", readonly=False
    )
    rma_deposit_account_id = fields.Many2one(
        related="company_id.rma_deposit_account_id", readonly=False
    )
    rma_deposit_journal_id = fields.Many2one(
        related="company_id.rma_deposit_journal_id", readonly=False
    )
    rma_freight_cost_account_id = fields.Many2one(
        related="company_id.rma_freight_cost_account_id", readonly=False
    )
    rma_freight_accrual_account_id = fields.Many2one(
        related="company_id.rma_freight_accrual_account_id", readonly=False
    )
