from odoo import api, fields, models
from odoo.tools import SQL

from ..models.factory_rma_line_cost import COST_PARTIES, COST_TYPES, RECOVERY_TYPES


class FactoryRmaCost(models.Model):
    """Cost ledger of the RMA lines (KPI-19, RESP-06/07/24/25): what each
    return costs — freight, repair parts and labour, sorting and inspection
    time, goods shipped and not returned, scrap, write-down, concessions,
    credit notes — and recovers — charges to the dealer or the customer,
    the carrier's and the supplier's recoveries — with the party that bears
    it, in company currency. Costs are positive, recoveries negative.

    The rows come from the cost sources of ``_cost_sources``: the journal
    items the addons post (typed by ``rma_cost_type``). An addon adds a
    source (e.g. supplier recoveries) by extending that hook with a SELECT
    of the same columns.
    """

    _name = "factory.rma.cost"
    _description = "RMA Cost Ledger"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "rma_line_id"
    _depends = {
        "account.move.line": [
            "rma_cost_type",
            "rma_cost_party",
            "rma_line_id",
            "balance",
            "parent_state",
            "date",
            "company_id",
            "company_currency_id",
            "account_id",
            "move_id",
        ],
        "factory.rma.line": ["rma_id", "product_id", "responsible_partner_id"],
        "factory.rma": ["commercial_partner_id"],
    }

    source = fields.Selection([("journal", "Journal item")], readonly=True)
    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    rma_id = fields.Many2one("factory.rma", "RMA", readonly=True)
    rma_line_id = fields.Many2one("factory.rma.line", "RMA Line", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    cost_type = fields.Selection(COST_TYPES, "Cost", readonly=True)
    party = fields.Selection(COST_PARTIES, "Borne By", readonly=True)
    responsible_partner_id = fields.Many2one(
        "res.partner", "Responsible Party", readonly=True, help="Supplier, carrier or dealer."
    )
    account_id = fields.Many2one("account.account", readonly=True)
    move_id = fields.Many2one("account.move", "Journal Entry", readonly=True)
    move_line_id = fields.Many2one("account.move.line", "Journal Item", readonly=True)
    amount = fields.Monetary(readonly=True, help="Cost (positive) or recovery (negative).")
    is_recovery = fields.Boolean("Recovery", readonly=True)

    def _select_journal_items(self):
        """Posted journal items of the RMAs typed with a cost."""
        return SQL(
            """
            SELECT aml.id * 10 AS id,
                   'journal'::varchar AS source,
                   aml.date,
                   aml.company_id,
                   aml.company_currency_id AS currency_id,
                   l.rma_id,
                   aml.rma_line_id,
                   r.commercial_partner_id AS partner_id,
                   l.product_id,
                   aml.rma_cost_type AS cost_type,
                   COALESCE(aml.rma_cost_party, 'undetermined') AS party,
                   l.responsible_partner_id,
                   aml.account_id,
                   aml.move_id,
                   aml.id AS move_line_id,
                   aml.balance AS amount,
                   aml.rma_cost_type IN %(recoveries)s AS is_recovery
              FROM account_move_line aml
              JOIN factory_rma_line l ON l.id = aml.rma_line_id
              JOIN factory_rma r ON r.id = l.rma_id
             WHERE aml.rma_cost_type IS NOT NULL
               AND aml.parent_state = 'posted'
            """,
            recoveries=RECOVERY_TYPES,
        )

    @api.model
    def _cost_sources(self):
        """The SELECTs of the ledger, each with the columns of
        ``_select_journal_items`` (ids distinct across sources: the journal
        items take id × 10; a new source takes another remainder)."""
        return [self._select_journal_items()]

    @property
    def _table_query(self):
        return SQL(" UNION ALL ").join(self._cost_sources())
