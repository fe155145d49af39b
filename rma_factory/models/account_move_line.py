"""Journal items: the RMA lines that return the goods of an invoice line."""

from odoo import api, fields, models

from .factory_rma import RMA_READER_GROUPS

#: context key set by ``write`` below while a write of untracked fields runs:
#: it only makes ``fields_get([])`` describe no field instead of all of them
UNTRACKED_WRITE = "rma_untracked_journal_item_write"


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    rma_return_line_ids = fields.One2many(
        "factory.rma.line",
        "invoice_line_id",
        string="Returned in RMA Lines",
        groups=RMA_READER_GROUPS,
    )

    def write(self, vals):
        """Odoo's journal item write (``account``) prepares mail tracking by
        describing the written tracked fields with ``fields_get``; when none
        of them is tracked, as in the writes of posting and reconciling
        (residual amounts, matching numbers), it passes an empty list, which
        ``fields_get`` reads as "every field": about 5 ms to describe the
        whole model and track nothing, some 250 times when fifty credit notes
        are posted and reconciled. Such a write is marked here, and
        ``fields_get`` describes no field for it (the tracking it prepares is
        empty either way)."""
        tracked = any(
            getattr(field, "tracking", False) and not field.related
            for field in (self._fields.get(fname) for fname in vals)
            if field is not None
        )
        lines = self
        if bool(self.env.context.get(UNTRACKED_WRITE)) == tracked:
            lines = self.with_context(**{UNTRACKED_WRITE: not tracked})
        return super(AccountMoveLine, lines).write(vals)

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Called with an empty list by Odoo's journal item write to describe
        the tracked fields it writes: within a write of untracked fields (see
        ``write``) that list means none, not all."""
        if allfields == [] and self.env.context.get(UNTRACKED_WRITE):
            return {}
        return super().fields_get(allfields, attributes)
