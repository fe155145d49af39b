from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    rma_id = fields.Many2one(
        related="move_id.rma_id",
        store=True,
        index="btree_not_null",
        string="RMA",
        help="RMA of the journal entry, for reporting journal items by RMA.",
    )
    rma_line_id = fields.Many2one(
        "factory.rma.line", "RMA Line", index="btree_not_null", copy=False, readonly=True
    )
    rma_origin_line_id = fields.Many2one(
        "account.move.line",
        "Credited Invoice Line",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="Invoice line this RMA credit line takes its price from and reduces.",
    )
    rma_charge_type = fields.Selection(
        [
            ("dealer", "Dealer charge-back"),
            ("freight", "Freight"),
            ("concession", "Concession"),
            ("deposit", "Replacement paid by the deposit"),
            ("claim", "Carrier claim"),
            ("spare_part", "Unreturned spare part"),
        ],
        "RMA Charge",
        copy=False,
        readonly=True,
    )
