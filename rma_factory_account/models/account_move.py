from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    rma_id = fields.Many2one(
        "factory.rma", "RMA", index="btree_not_null", copy=False, readonly=True
    )

    def _post(self, soft=True):
        """Posting an RMA credit note reconciles it with the open receivable
        of the invoice it reverses (full or partial)."""
        posted = super()._post(soft=soft)
        for refund in posted.filtered(lambda m: m.rma_id and m.reversed_entry_id):
            invoice = refund.reversed_entry_id
            if invoice.state != "posted":
                continue
            lines = (refund.line_ids | invoice.line_ids).filtered(
                lambda line: (
                    line.account_id.account_type == "asset_receivable" and not line.reconciled
                )
            )
            if len(lines.account_id) == 1 and lines & invoice.line_ids:
                lines.reconcile()
        posted.rma_id._sync_state_from_stock()
        return posted
