from odoo import fields, models

from .factory_rma_line_cost import COST_PARTIES, COST_TYPES


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
            ("misjudgment", "Misjudgment handling costs"),
        ],
        "RMA Charge",
        copy=False,
        readonly=True,
    )
    rma_cost_type = fields.Selection(
        COST_TYPES,
        "RMA Cost",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="What this journal item of an RMA costs (debit) or recovers (credit): the RMA "
        "cost ledger reads it.",
    )
    rma_cost_party = fields.Selection(
        COST_PARTIES,
        "RMA Cost Borne By",
        copy=False,
        readonly=True,
        help="Responsible party of the RMA line when the item was posted (updated by the "
        "judgement); its analytic account of the RMA Responsibility plan is on the item.",
    )
