from odoo import fields, models

from .factory_rma_supplier_return import SUPPLIER_RETURN_READERS


class AccountMove(models.Model):
    """Vendor credit and debit notes of a supplier return; a posted credit
    note settles the vendor bill it credits."""

    _inherit = "account.move"

    rma_supplier_return_id = fields.Many2one(
        "factory.rma.supplier.return",
        "Supplier Return",
        index="btree_not_null",
        copy=False,
        readonly=True,
        groups=SUPPLIER_RETURN_READERS,
    )
    rma_supplier_recovery = fields.Selection(
        [("goods", "Returned goods"), ("costs", "Costs of the defect")],
        "Supplier Recovery",
        copy=False,
        readonly=True,
        groups=SUPPLIER_RETURN_READERS,
    )

    def _post(self, soft=True):
        """Posting a supplier return's credit note reconciles it with the
        open payable of the vendor bill it credits."""
        posted = super()._post(soft=soft)
        for note in posted.filtered(
            lambda m: (
                m.move_type == "in_refund"
                and m.sudo().rma_supplier_return_id
                and m.reversed_entry_id.state == "posted"
            )
        ):
            lines = (note.line_ids | note.reversed_entry_id.line_ids).filtered(
                lambda line: (
                    line.account_id.account_type == "liability_payable" and not line.reconciled
                )
            )
            if len(lines.account_id) == 1 and lines & note.reversed_entry_id.line_ids:
                lines.reconcile()
        return posted
