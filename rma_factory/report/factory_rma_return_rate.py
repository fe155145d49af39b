from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.factory_rma_outcome import RESPONSIBILITIES, RMA_TYPES

#: rate measure -> (numerator, denominator), as percentages of the sums of
#: the group (never an average of row rates).
RATES = {
    "return_rate": ("qty_accepted", "qty_delivered"),
    "request_rate": ("qty_requested", "qty_delivered"),
    "value_return_rate": ("value_accepted", "value_delivered"),
}

#: dimensions only returns have: grouped by one of them, a rate divides the
#: group's returns by what was delivered in the other dimensions of the
#: group (e.g. cracking in Q1 ÷ everything delivered in Q1).
RETURN_ONLY_DIMENSIONS = ("reason_id", "responsibility", "rma_type", "rma_id")


class FactoryRmaReturnRate(models.Model):
    """Return rate (退货率, KPI-01/02/19): what was delivered to customers
    and what came back on RMAs, by product, category, customer, customer
    class, reason, responsibility, warehouse, company and period.

    One row per customer delivery move (ordinary returns count negative),
    read from ``factory.rma.return.rate.delivery``, and one per RMA line; a
    SQL view. The rates are computed on the sums of each group by
    ``_read_group``, never in Python per row.

    Two period bases: ``date`` dates returns by their request date (returns
    of a month against the deliveries of that month), ``delivery_date`` by
    the delivery of the returned goods (of what was delivered in a month,
    how much came back).

    The measures are double precision (the delivery table stores them so):
    PostgreSQL sums numeric columns with an arbitrary-precision state per
    group, which took twice the time and five times the memory of a float
    sum on a grouped read of a million rows, and casting a million numerics
    costs as much; ``read_group`` returns floats either way.
    """

    _name = "factory.rma.return.rate"
    _description = "RMA Return Rate"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "product_id"
    _depends = {
        "factory.rma.return.rate.delivery": [
            "date",
            "company_id",
            "warehouse_id",
            "product_id",
            "partner_id",
            "qty",
            "value",
        ],
        "factory.rma.line": [
            "rma_id",
            "product_id",
            "product_uom_id",
            "quantity",
            "qty_received",
            "price_unit",
            "reason_id",
            "responsibility",
            "is_third_party",
            "delivery_date",
            "sale_line_id",
        ],
        "factory.rma": [
            "state",
            "date_request",
            "company_id",
            "commercial_partner_id",
            "customer_class",
            "warehouse_id",
            "currency_id",
            "rma_type",
        ],
        "product.template": ["categ_id"],
        "res.partner": ["rma_customer_class"],
    }

    kind = fields.Selection([("delivery", "Delivery"), ("return", "Return")], readonly=True)
    date = fields.Date(
        "Date (return date basis)",
        readonly=True,
        help="Deliveries by their date, returns by the date they were requested: the "
        "returns of a period against the deliveries of the same period.",
    )
    delivery_date = fields.Date(
        "Date (delivery date basis)",
        readonly=True,
        help="Deliveries by their date, returns by the delivery date of the returned goods "
        "(the request date when it is unknown): of what was delivered in a period, how much "
        "came back.",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    customer_class = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C")], "Customer Class", readonly=True
    )
    reason_id = fields.Many2one("factory.rma.reason", "Reason", readonly=True)
    responsibility = fields.Selection(RESPONSIBILITIES, readonly=True)
    rma_type = fields.Selection(RMA_TYPES, "RMA Type", readonly=True)
    rma_id = fields.Many2one("factory.rma", "RMA", readonly=True)
    qty_delivered = fields.Float(
        "Delivered", digits="Product Unit of Measure", readonly=True, aggregator="sum"
    )
    value_delivered = fields.Float(
        "Delivered Value", digits="Account", readonly=True, aggregator="sum"
    )
    qty_requested = fields.Float(
        "Requested", digits="Product Unit of Measure", readonly=True, aggregator="sum"
    )
    value_requested = fields.Float(
        "Requested Value", digits="Account", readonly=True, aggregator="sum"
    )
    qty_accepted = fields.Float(
        "Returned",
        digits="Product Unit of Measure",
        readonly=True,
        aggregator="sum",
        help="Received on RMAs, never more than requested.",
    )
    value_accepted = fields.Float(
        "Returned Value", digits="Account", readonly=True, aggregator="sum"
    )
    return_rate = fields.Float(
        "Return Rate (%)",
        readonly=True,
        aggregator="sum",
        help="Returned ÷ delivered quantity of the group, in %.",
    )
    request_rate = fields.Float(
        "Request Rate (%)",
        readonly=True,
        aggregator="sum",
        help="Requested ÷ delivered quantity of the group, in %.",
    )
    value_return_rate = fields.Float(
        "Value Return Rate (%)",
        readonly=True,
        aggregator="sum",
        help="Returned ÷ delivered value of the group, in %.",
    )

    # ------------------------------------------------------------------
    # The view
    # ------------------------------------------------------------------
    def _select_deliveries(self):
        """Customer deliveries net of ordinary returns, from the narrow table
        the moves write when they are done (the category and the customer
        class are read now: they are joined only when grouped on)."""
        return SQL(
            """
            SELECT d.id * 2 AS id,
                   'delivery'::varchar AS kind,
                   d.date,
                   d.date AS delivery_date,
                   d.company_id,
                   d.warehouse_id,
                   d.product_id,
                   pt.categ_id,
                   d.partner_id,
                   partner.rma_customer_class AS customer_class,
                   NULL::integer AS reason_id,
                   NULL::varchar AS responsibility,
                   NULL::varchar AS rma_type,
                   NULL::integer AS rma_id,
                   d.qty AS qty_delivered,
                   d.value AS value_delivered,
                   0.0::float8 AS qty_requested,
                   0.0::float8 AS value_requested,
                   0.0::float8 AS qty_accepted,
                   0.0::float8 AS value_accepted
              FROM factory_rma_return_rate_delivery d
              LEFT JOIN product_product pp ON pp.id = d.product_id
              LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN res_partner partner ON partner.id = d.partner_id
            """
        )

    def _select_returns(self):
        """RMA lines of submitted RMAs (rejected ones count as requested),
        third-party goods excepted, in the product's unit; the accepted
        quantity is what came back, never more than requested."""
        return SQL(
            """
            SELECT l.id * 2 + 1 AS id,
                   'return'::varchar AS kind,
                   r.date_request AS date,
                   COALESCE(l.delivery_date, r.date_request) AS delivery_date,
                   r.company_id,
                   r.warehouse_id,
                   l.product_id,
                   pt.categ_id,
                   r.commercial_partner_id AS partner_id,
                   r.customer_class,
                   l.reason_id,
                   l.responsibility,
                   r.rma_type,
                   r.id AS rma_id,
                   0.0::float8 AS qty_delivered,
                   0.0::float8 AS value_delivered,
                   (l.quantity / lu.factor * pu.factor)::float8 AS qty_requested,
                   (l.quantity * l.price_unit / rate.rate)::float8 AS value_requested,
                   (LEAST(l.qty_received, l.quantity) / lu.factor * pu.factor)::float8
                       AS qty_accepted,
                   (LEAST(l.qty_received, l.quantity) * l.price_unit / rate.rate)::float8
                       AS value_accepted
              FROM factory_rma_line l
              JOIN factory_rma r ON r.id = l.rma_id
              JOIN res_company company ON company.id = r.company_id
              JOIN uom_uom lu ON lu.id = l.product_uom_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = pt.uom_id
              JOIN LATERAL (
                   SELECT CASE
                       WHEN r.currency_id IS NULL OR r.currency_id = company.currency_id THEN 1.0
                       ELSE COALESCE(
                           (SELECT NULLIF(so.currency_rate, 0)
                              FROM sale_order_line sol
                              JOIN sale_order so ON so.id = sol.order_id
                             WHERE sol.id = l.sale_line_id),
                           1.0
                       )
                   END AS rate
              ) rate ON TRUE
             WHERE r.state NOT IN ('draft', 'cancelled')
               AND NOT COALESCE(l.is_third_party, FALSE)
            """
        )

    def _query(self):
        """The view's SELECT: deliveries and returns (hook: add sources)."""
        return SQL("%s UNION ALL %s", self._select_deliveries(), self._select_returns())

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )

    # ------------------------------------------------------------------
    # Rates on the sums of a group
    # ------------------------------------------------------------------
    @api.model
    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        """Grouped by a dimension only returns have, the rates divide by the
        delivered sum of the other dimensions (see ``_read_group_select``):
        remember them for the query."""
        model = self
        if any(spec.split(":")[0] in RATES for spec in aggregates):
            partition = [
                spec for spec in groupby if spec.split(":")[0] not in RETURN_ONLY_DIMENSIONS
            ]
            # the key is set here, whatever the caller's context says
            model = self.with_context(
                rma_rate_partition=partition if len(partition) < len(groupby) else None
            )
        sort_keys = None if limit or offset else model._rma_group_sort_keys(groupby, order)
        # PostgreSQL would JIT-compile this one-pass aggregation over a million
        # rows, which costs more than it saves (2.8 s of 6.4 s on the volume
        # database): off for this query only (a failed query rolls it back)
        # and the hash aggregation of thousands of groups spilled to disk with
        # the default 4 MB of work memory
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")
        rows = super(FactoryRmaReturnRate, model)._read_group(
            domain, groupby, aggregates, having, offset, limit, None if sort_keys else order
        )
        self.env.cr.execute("SET LOCAL jit TO DEFAULT")
        self.env.cr.execute("SET LOCAL work_mem TO DEFAULT")
        return model._rma_sort_groups(rows, list(groupby), sort_keys) if sort_keys else rows

    def _rma_group_sort_keys(self, groupby, order):
        """[(position in groupby, descending)] when ``order`` sorts by the
        group-by terms only and one of them is a many2one: Odoo would join
        the comodel's order on each of the million rows; the groups are
        sorted the same way after the aggregation instead (None otherwise)."""
        if not order:
            return None
        groupby = list(groupby)
        keys = []
        for part in order.split(","):
            words = part.split()
            if not words or words[0] not in groupby or len(words) > 2:
                return None
            direction = words[1].lower() if len(words) == 2 else "asc"
            if direction not in ("asc", "desc"):
                return None
            keys.append((groupby.index(words[0]), direction == "desc"))
        if not any(
            getattr(self._fields.get(groupby[index]), "type", None) == "many2one"
            for index, _desc in keys
        ):
            return None
        return keys

    def _rma_sort_groups(self, rows, groupby, keys):
        """Sort grouped rows like PostgreSQL would with the comodels' order:
        empty values last ascending, first descending."""
        rows = list(rows)
        for index, descending in reversed(keys):
            field = self._fields.get(groupby[index])
            if field is not None and field.type == "many2one":
                ids = list({row[index]._ids[0] for row in rows if row[index]})
                # only the order of records the caller already has is read
                ordered = (
                    self.env[field.comodel_name]
                    .sudo()
                    .with_context(active_test=False)
                    .search([("id", "in", ids)])
                )
                rank = {record_id: position for position, record_id in enumerate(ordered.ids)}

                def key(row, index=index, rank=rank):
                    record = row[index]
                    return (not record, rank.get(record._ids[0], len(rank)) if record else 0)
            else:

                def key(row, index=index):
                    value = row[index]
                    return (value is None, value if value is not None else 0)

            rows.sort(key=key, reverse=descending)
        return rows

    @api.model
    def _read_group_format_result(self, rows_dict, lazy_groupby):
        """Called by ``read_group`` (pivot, graph, list) to label the groups
        it returns and give each its domain. Odoo formats every group anew —
        Babel for a date, a domain combination per group — although a
        product × quarter read of 12,000 groups has a dozen quarters and a
        thousand products: here each distinct value of a group-by is
        formatted once, by Odoo's own formatting, and copied to its groups;
        the domains are joined by one ``&`` per group-by."""
        specs = list(lazy_groupby)
        formatted = {spec: {} for spec in specs}

        def probe_of(spec, value):
            # False and 0, True and 1 are equal keys: keep them apart
            key = (type(value), value)
            probe = formatted[spec].get(key)
            if probe is None:
                probe = formatted[spec][key] = {spec: value, "__domain": []}
                super(FactoryRmaReturnRate, self)._read_group_format_result([probe], [spec])
            return probe

        for row in rows_dict:
            domain = row["__domain"]
            for spec in specs:
                probe = probe_of(spec, row[spec])
                row[spec] = probe[spec]
                if "__range" in probe:
                    row.setdefault("__range", {})[spec] = probe["__range"][spec]
                domain = ["&", *domain, *probe["__domain"]] if domain else probe["__domain"]
            # each row owns its list (the probe's is shared)
            row["__domain"] = list(domain)
        return None

    def _read_group_postprocess_groupby(self, groupby_spec, raw_values):
        """Called by ``_read_group`` to turn grouped values into records:
        Odoo browses a record per group; a customer × month read has 180,000
        groups and 5,000 customers, so each distinct record is browsed once
        (with all of them to prefetch) and shared by its groups."""
        field = self._fields[groupby_spec.split(":")[0].split(".")[0]]
        if not field.relational:
            return super()._read_group_postprocess_groupby(groupby_spec, raw_values)
        raw_values = list(raw_values)
        comodel = self.env[field.comodel_name]
        distinct = list(dict.fromkeys(value for value in raw_values if value))
        records = {value: comodel.browse(value).with_prefetch(distinct) for value in distinct}
        empty = self._read_group_empty_value(groupby_spec)
        return (records[value] if value else empty for value in raw_values)

    def _read_group_select(self, aggregate_spec, query):
        """Rates are ratios of the group's sums. Grouped by a dimension only
        returns have (reason, responsibility, type), the denominator is the
        delivered sum of the other dimensions of the group — a window over
        the groups — so that "cracking" is its returns ÷ all that was
        delivered."""
        fname, _sep, func = aggregate_spec.partition(":")
        if fname not in RATES or func != "sum":
            return super()._read_group_select(aggregate_spec, query)
        numerator, denominator = RATES[fname]
        num = SQL("SUM(%s)", self._field_to_sql(self._table, numerator, query))
        den = SQL("SUM(%s)", self._field_to_sql(self._table, denominator, query))
        partition = self.env.context.get("rma_rate_partition")
        if partition is not None:
            terms = [self._read_group_groupby(spec, query) for spec in partition]
            over = SQL("PARTITION BY %s", SQL(", ").join(terms)) if terms else SQL("")
            den = SQL("SUM(%s) OVER (%s)", den, over)
        return SQL("ROUND((100.0 * %s / NULLIF(%s, 0))::numeric, 2)", num, den)

    def _read_group_postprocess_aggregate(self, aggregate_spec, raw_values):
        fname = aggregate_spec.partition(":")[0]
        if fname in RATES:
            return [float(value) if value is not None else 0.0 for value in raw_values]
        return super()._read_group_postprocess_aggregate(aggregate_spec, raw_values)
