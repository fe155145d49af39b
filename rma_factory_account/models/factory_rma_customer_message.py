from odoo import api, fields, models


class FactoryRmaCustomerMessage(models.Model):
    """The accounting steps the customer hears about: its credit note
    issued, its refund paid."""

    _inherit = "factory.rma.customer.message"

    step = fields.Selection(
        selection_add=[("credit_note", "Credit note issued"), ("refund", "Refund paid")],
        ondelete={"credit_note": "cascade", "refund": "cascade"},
    )
    credit_note_id = fields.Many2one("account.move", "Credit Note", readonly=True)
    amount = fields.Monetary(readonly=True, currency_field="currency_id")
    currency_id = fields.Many2one("res.currency", readonly=True)

    @api.model
    def _step_templates(self):
        return dict(
            super()._step_templates(),
            credit_note="rma_factory_account.mail_template_rma_step_credit_note",
            refund="rma_factory_account.mail_template_rma_step_refund",
        )
