from odoo import api, fields, models
from odoo.tools import SQL


class FactoryRmaReturnRateDelivery(models.Model):
    """What was delivered to customers, one narrow row per done delivery
    move (ordinary returns negative), the denominator of the return rate.

    Done moves do not change any more, so the rows are written once, by a
    single SQL statement when moves are done (``stock.move._action_done``);
    the daily cron re-reads the moves written since its last run (a done
    transfer unlocked and corrected, a partner changed). Reading millions of
    deliveries then scans this table instead of joining moves, pickings,
    sale lines and orders: the return rate stays fast (see
    ``setup/volume_return_rate.sh``).
    """

    _name = "factory.rma.return.rate.delivery"
    _description = "RMA Return Rate: Delivered Quantities"
    _log_access = False
    _order = "date desc, id desc"

    move_id = fields.Many2one("stock.move", required=True, ondelete="cascade", index=True)
    date = fields.Date(required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    warehouse_id = fields.Many2one("stock.warehouse")
    product_id = fields.Many2one("product.product", required=True)
    partner_id = fields.Many2one("res.partner", "Customer")
    # double precision columns, not numeric (no digits): the return rate
    # sums them over a million rows, and PostgreSQL sums numeric with an
    # arbitrary-precision state per group (twice the time and five times
    # the memory of a grouped read of customers by month)
    qty = fields.Float()
    value = fields.Float()

    _sql_constraints = [
        ("move_uniq", "unique(move_id)", "A move is delivered once."),
    ]

    @api.model
    def _select_moves(self, where):
        """Customer deliveries (+) and ordinary returns (−) among the done
        moves of ``where`` (an SQL condition on ``m``), in the product's unit,
        valued at the sale line's net price in company currency (the list
        price without sale line). RMA moves (receipts, replacements,
        send-backs) are no deliveries."""
        return SQL(
            """
            SELECT m.id AS move_id,
                   (m.date AT TIME ZONE 'UTC')::date AS date,
                   m.company_id,
                   CASE WHEN dst.usage = 'customer'
                        THEN src.warehouse_id ELSE dst.warehouse_id END AS warehouse_id,
                   m.product_id,
                   partner.commercial_partner_id AS partner_id,
                   sign.factor * m.quantity / mu.factor * pu.factor AS qty,
                   sign.factor * m.quantity / mu.factor * pu.factor * COALESCE(
                       sol.price_reduce_taxexcl * solu.factor / pu.factor
                           / NULLIF(so.currency_rate, 0),
                       pt.list_price
                   ) AS value
              FROM stock_move m
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dst ON dst.id = m.location_dest_id
              JOIN LATERAL (
                   SELECT CASE WHEN dst.usage = 'customer' THEN 1.0 ELSE -1.0 END AS factor
              ) sign ON TRUE
              JOIN uom_uom mu ON mu.id = m.product_uom
              JOIN product_product pp ON pp.id = m.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = pt.uom_id
              LEFT JOIN stock_picking pick ON pick.id = m.picking_id
              LEFT JOIN res_partner partner ON partner.id = COALESCE(m.partner_id, pick.partner_id)
              LEFT JOIN sale_order_line sol ON sol.id = m.sale_line_id
              LEFT JOIN uom_uom solu ON solu.id = sol.product_uom
              LEFT JOIN sale_order so ON so.id = sol.order_id
             WHERE m.state = 'done'
               AND m.rma_line_id IS NULL
               AND (
                   (dst.usage = 'customer' AND src.usage != 'customer')
                   OR (src.usage = 'customer' AND dst.usage != 'customer')
               )
               AND %s
            """,
            where,
        )

    @api.model
    def _sync_moves(self, moves=None):
        """(Re)write the rows of ``moves`` (every move when None) from the
        moves themselves: one DELETE and one INSERT ... SELECT, whatever the
        number of moves."""
        if moves is not None and not moves:
            return
        self.env["stock.move"].flush_model()
        self.env["stock.picking"].flush_model(["partner_id"])
        self.env["sale.order.line"].flush_model(["price_reduce_taxexcl", "product_uom"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        if moves is None:
            self.env.cr.execute(SQL("DELETE FROM %s", SQL.identifier(self._table)))
            where = SQL("TRUE")
        else:
            ids = tuple(moves.ids)
            self.env.cr.execute(
                SQL("DELETE FROM %s WHERE move_id IN %s", SQL.identifier(self._table), ids)
            )
            where = SQL("m.id IN %s", ids)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO %(table)s
                       (move_id, date, company_id, warehouse_id, product_id, partner_id, qty, value)
                SELECT move_id, date, company_id, warehouse_id, product_id, partner_id, qty, value
                  FROM (%(select)s) deliveries
                """,
                table=SQL.identifier(self._table),
                select=self._select_moves(where),
            )
        )
        self.invalidate_model()

    @api.model
    def _cron_sync_changed_moves(self):
        """Daily: re-read the customer moves written since the last run (two
        days back, so that a missed run is caught up)."""
        since = fields.Datetime.subtract(fields.Datetime.now(), days=2)
        moves = (
            self.env["stock.move"]
            .sudo()
            .search([("state", "=", "done"), ("write_date", ">=", since)])
        )
        self._sync_moves(moves)

    def init(self):
        """A new installation reads the deliveries done before it."""
        self.env.cr.execute(SQL("SELECT 1 FROM %s LIMIT 1", SQL.identifier(self._table)))
        if not self.env.cr.fetchone():
            self._sync_moves()
