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
    rma_warranty_cost_account_id = fields.Many2one(
        related="company_id.rma_warranty_cost_account_id", readonly=False
    )
    rma_reprocessing_account_id = fields.Many2one(
        related="company_id.rma_reprocessing_account_id", readonly=False
    )
    rma_misjudgment_account_id = fields.Many2one(
        related="company_id.rma_misjudgment_account_id", readonly=False
    )
    rma_scrap_account_id = fields.Many2one(
        related="company_id.rma_scrap_account_id", readonly=False
    )
    rma_labour_absorbed_account_id = fields.Many2one(
        related="company_id.rma_labour_absorbed_account_id", readonly=False
    )
    rma_labour_cost_hour = fields.Float(related="company_id.rma_labour_cost_hour", readonly=False)
    rma_carrier_receivable_account_id = fields.Many2one(
        related="company_id.rma_carrier_receivable_account_id", readonly=False
    )
    rma_supplier_receivable_account_id = fields.Many2one(
        related="company_id.rma_supplier_receivable_account_id", readonly=False
    )
    rma_cost_journal_id = fields.Many2one(related="company_id.rma_cost_journal_id", readonly=False)
