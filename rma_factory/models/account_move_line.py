"""Journal items: the RMA lines that return the goods of an invoice line."""

from odoo import fields, models

from .factory_rma import RMA_READER_GROUPS


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    rma_return_line_ids = fields.One2many(
        "factory.rma.line",
        "invoice_line_id",
        string="Returned in RMA Lines",
        groups=RMA_READER_GROUPS,
    )
