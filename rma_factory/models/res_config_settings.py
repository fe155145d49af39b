from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    rma_currency_id = fields.Many2one(related="company_id.currency_id", string="RMA Currency")
    rma_policy_id = fields.Many2one(
        related="company_id.rma_policy_id", readonly=False, string="Default Return Policy"
    )
    rma_warranty_months = fields.Integer(
        related="company_id.rma_policy_id.warranty_months", readonly=False
    )
    rma_return_window_days = fields.Integer(
        related="company_id.rma_policy_id.return_window_days", readonly=False
    )
    rma_second_approval_amount = fields.Monetary(
        related="company_id.rma_policy_id.second_approval_amount",
        readonly=False,
        currency_field="rma_currency_id",
    )
    rma_review_hours = fields.Float(related="company_id.rma_policy_id.review_hours", readonly=False)
    rma_return_working_days = fields.Integer(
        related="company_id.rma_policy_id.return_working_days", readonly=False
    )
    rma_refund_working_days = fields.Integer(
        related="company_id.rma_policy_id.refund_working_days", readonly=False
    )
    rma_promise_days_a = fields.Integer(
        related="company_id.rma_policy_id.promise_days_a", readonly=False
    )
    rma_promise_days_b = fields.Integer(
        related="company_id.rma_policy_id.promise_days_b", readonly=False
    )
    rma_promise_days_c = fields.Integer(
        related="company_id.rma_policy_id.promise_days_c", readonly=False
    )
    rma_escalation_user_id = fields.Many2one(
        related="company_id.rma_policy_id.escalation_user_id", readonly=False
    )
    rma_report_partner_ids = fields.Many2many(
        related="company_id.rma_report_partner_ids", readonly=False
    )
