"""Volume benchmark of the return-rate report (issue #15), run by
``setup/volume_return_rate.sh`` in ``odoo shell`` on a throw-away database.

Generates with plain SQL (INSERT ... SELECT generate_series, never the ORM)
customers, products, sale orders and lines, delivered stock moves and RMA
lines, then times grouped reads of ``factory.rma.return.rate`` through the
ORM (``read_group``, as an RMA manager would from the pivot) and the raw SQL
of the view. Prints the timings; a benchmark, not a test.

Knobs (environment): RMA_VOLUME_MOVES (default 1000000), RMA_VOLUME_RMA_LINES
(default 100000), RMA_VOLUME_PRODUCTS (1000), RMA_VOLUME_PARTNERS (5000),
RMA_VOLUME_RUNS (timed runs per read, default 3), RMA_VOLUME_SKIP_GENERATE=1
(time the data already in the database).
"""

import os
import statistics
import time

from odoo.sql_db import db_connect

# ``env`` is given by odoo shell.
env = globals()["env"]
cr = env.cr

MOVES = int(os.environ.get("RMA_VOLUME_MOVES", 1_000_000))
RMA_LINES = int(os.environ.get("RMA_VOLUME_RMA_LINES", 100_000))
PRODUCTS = int(os.environ.get("RMA_VOLUME_PRODUCTS", 1000))
PARTNERS = int(os.environ.get("RMA_VOLUME_PARTNERS", 5000))
RUNS = int(os.environ.get("RMA_VOLUME_RUNS", 3))
ORDERS = max(MOVES // 10, 1)
PICKINGS = max(MOVES // 4, 1)
RETURNS = MOVES // 50
RMAS = max(RMA_LINES // 2, 1)


def log(message):
    print(f"[volume] {message}", flush=True)


def step(label, sql, params=None):
    start = time.perf_counter()
    cr.execute(sql, params or {})
    log(f"{label}: {cr.rowcount} rows in {time.perf_counter() - start:.1f} s")


def generate():
    """The volume, with plain SQL."""
    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    unit = env.ref("uom.product_uom_unit")
    customers = env.ref("stock.stock_location_customers")
    policy = env["factory.rma.policy"]._get_default(company)
    reasons = env["factory.rma.reason"].search([]).ids
    base = {
        "company": company.id,
        "currency": company.currency_id.id,
        "unit": unit.id,
        "stock": warehouse.lot_stock_id.id,
        "customers": customers.id,
        "out_type": warehouse.out_type_id.id,
        "warehouse": warehouse.id,
        "policy": policy.id,
        "reasons": reasons,
        "products": PRODUCTS,
        "partners": PARTNERS,
        "orders": ORDERS,
        "moves": MOVES,
        "pickings": PICKINGS,
        "returns": RETURNS,
        "rmas": RMAS,
        "rma_lines": RMA_LINES,
    }
    categ_ids = (
        env["product.category"].create([{"name": f"Volume category {i}"} for i in range(10)]).ids
    )
    base["categs"] = categ_ids
    log(
        f"generating {MOVES} delivered moves, {RETURNS} ordinary returns, {RMA_LINES} RMA lines, "
        f"{PRODUCTS} products, {PARTNERS} customers"
    )
    cr.execute("SET LOCAL synchronous_commit TO OFF")

    # purchase (when installed) adds a required warning column
    cr.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'product_template' AND column_name = 'purchase_line_warn'"
    )
    purchase_warn = (", purchase_line_warn", ", 'no-message'") if cr.rowcount else ("", "")
    step(
        "products",
        f"""
        WITH tmpl AS (
            INSERT INTO product_template (name, categ_id, uom_id, uom_po_id, type, is_storable,
                                          service_tracking, tracking, sale_line_warn, list_price,
                                          active, sale_ok, purchase_ok, invoice_policy,
                                          company_id{purchase_warn[0]})
            SELECT jsonb_build_object('en_US', 'Volume product ' || g),
                   (%(categs)s::int[])[1 + g %% array_length(%(categs)s::int[], 1)],
                   %(unit)s, %(unit)s, 'consu', TRUE, 'no', 'none', 'no-message',
                   10 + g %% 90, TRUE, TRUE, TRUE, 'delivery', NULL{purchase_warn[1]}
              FROM generate_series(1, %(products)s) g
            RETURNING id
        )
        INSERT INTO product_product (product_tmpl_id, active)
        SELECT id, TRUE FROM tmpl
        """,  # noqa: S608 (two constant fragments)
        base,
    )
    cr.execute(
        "SELECT min(id), max(id) FROM product_product WHERE product_tmpl_id IN "
        "(SELECT id FROM product_template WHERE name->>'en_US' LIKE 'Volume product %%')"
    )
    base["p_min"], base["p_max"] = cr.fetchone()
    step(
        "customers",
        """
        INSERT INTO res_partner (name, complete_name, active, is_company, type, autopost_bills,
                                 rma_customer_class, customer_rank)
        SELECT 'Volume customer ' || g, 'Volume customer ' || g, TRUE, TRUE, 'contact', 'ask',
               (ARRAY['a', 'b', 'c'])[1 + g %% 3], 1
          FROM generate_series(1, %(partners)s) g
        """,
        base,
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE name LIKE 'Volume customer %%' RETURNING id"
    )
    ids = [row[0] for row in cr.fetchall()]
    base["c_min"], base["c_max"] = min(ids), max(ids)
    step(
        "sale orders",
        """
        INSERT INTO sale_order (name, company_id, partner_id, partner_invoice_id,
                                partner_shipping_id, date_order, picking_policy, state,
                                currency_id, currency_rate, warehouse_id)
        SELECT 'VOL/SO/' || g, %(company)s, c, c, c,
               '2024-01-01'::timestamp + (g %% 1000) * interval '1 day', 'direct', 'sale',
               %(currency)s, 1.0, %(warehouse)s
          FROM generate_series(1, %(orders)s) g,
               LATERAL (SELECT %(c_min)s + g %% (%(c_max)s - %(c_min)s + 1) AS c) c
        """,
        base,
    )
    cr.execute("SELECT min(id) FROM sale_order WHERE name LIKE 'VOL/SO/%%'")
    base["so_min"] = cr.fetchone()[0]
    step(
        "sale lines",
        """
        INSERT INTO sale_order_line (order_id, name, product_id, product_uom, product_uom_qty,
                                     price_unit, price_reduce_taxexcl, price_subtotal, discount,
                                     customer_lead, company_id, currency_id, state, qty_delivered)
        SELECT %(so_min)s + g %% %(orders)s, 'Volume line', p, %(unit)s, q, pr, pr, q * pr, 0, 0,
               %(company)s, %(currency)s, 'sale', q
          FROM generate_series(1, %(moves)s) g,
               LATERAL (SELECT %(p_min)s + (g::bigint * 7919) %% (%(p_max)s - %(p_min)s + 1) AS p,
                               1 + g %% 20 AS q, 10 + g %% 90 AS pr) x
        """,
        base,
    )
    cr.execute("SELECT min(id) FROM sale_order_line WHERE name = 'Volume line'")
    base["sol_min"] = cr.fetchone()[0]
    step(
        "pickings",
        """
        INSERT INTO stock_picking (name, location_id, location_dest_id, picking_type_id, move_type,
                                   state, company_id, partner_id, date_done, scheduled_date)
        SELECT 'VOL/OUT/' || g, %(stock)s, %(customers)s, %(out_type)s, 'direct', 'done',
               %(company)s, %(c_min)s + g %% (%(c_max)s - %(c_min)s + 1),
               '2024-01-01'::timestamp + (g %% 1095) * interval '1 day',
               '2024-01-01'::timestamp + (g %% 1095) * interval '1 day'
          FROM generate_series(1, %(pickings)s) g
        """,
        base,
    )
    cr.execute("SELECT min(id) FROM stock_picking WHERE name LIKE 'VOL/OUT/%%'")
    base["pick_min"] = cr.fetchone()[0]
    step(
        "delivered moves",
        """
        INSERT INTO stock_move (company_id, product_id, product_uom, location_id, location_dest_id,
                                location_final_id, name, procure_method, product_uom_qty,
                                product_qty, quantity, date, state, picking_id, partner_id,
                                sale_line_id, picking_type_id, warehouse_id)
        SELECT %(company)s, sol.product_id, %(unit)s, %(stock)s, %(customers)s, %(customers)s,
               'Volume delivery', 'make_to_stock', sol.product_uom_qty, sol.product_uom_qty,
               sol.product_uom_qty, '2024-01-01'::timestamp + (g %% 1095) * interval '1 day',
               'done', %(pick_min)s + g %% %(pickings)s, so.partner_id, sol.id, %(out_type)s,
               %(warehouse)s
          FROM generate_series(0, %(moves)s - 1) g
          JOIN sale_order_line sol ON sol.id = %(sol_min)s + g
          JOIN sale_order so ON so.id = sol.order_id
        """,
        base,
    )
    step(
        "ordinary returns",
        """
        INSERT INTO stock_move (company_id, product_id, product_uom, location_id, location_dest_id,
                                name, procure_method, product_uom_qty, product_qty, quantity, date,
                                state, partner_id, sale_line_id, warehouse_id)
        SELECT %(company)s, sol.product_id, %(unit)s, %(customers)s, %(stock)s, 'Volume return',
               'make_to_stock', 1, 1, 1, '2024-02-01'::timestamp + (g %% 1000) * interval '1 day',
               'done', so.partner_id, sol.id, %(warehouse)s
          FROM generate_series(0, %(returns)s - 1) g
          JOIN sale_order_line sol ON sol.id = %(sol_min)s + g * 50
          JOIN sale_order so ON so.id = sol.order_id
        """,
        base,
    )
    step(
        "RMAs",
        """
        INSERT INTO factory_rma (name, company_id, partner_id, commercial_partner_id, warehouse_id,
                                 policy_id, state, rma_type, date_request, customer_class,
                                 currency_id)
        SELECT 'VOL-RMA-' || g, %(company)s, c, c, %(warehouse)s, %(policy)s,
               (ARRAY['submitted', 'approved', 'received', 'judged', 'processing', 'done',
                      'done', 'done', 'rejected'])[1 + g %% 9],
               'return', '2024-01-15'::date + (g %% 1080), (ARRAY['a', 'b', 'c'])[1 + g %% 3],
               %(currency)s
          FROM generate_series(1, %(rmas)s) g,
               LATERAL (SELECT %(c_min)s + g %% (%(c_max)s - %(c_min)s + 1) AS c) c
        """,
        base,
    )
    cr.execute("SELECT min(id) FROM factory_rma WHERE name LIKE 'VOL-RMA-%%'")
    base["rma_min"] = cr.fetchone()[0]
    step(
        "RMA lines",
        """
        INSERT INTO factory_rma_line (rma_id, product_id, product_uom_id, quantity, qty_received,
                                      price_unit, price_subtotal, reason_id, responsibility,
                                      sale_line_id, delivery_date, company_id, partner_id, state,
                                      sequence)
        SELECT r.id, sol.product_id, %(unit)s, 1 + g %% 5,
               CASE WHEN r.state IN ('submitted', 'approved', 'rejected') THEN 0
                    ELSE 1 + g %% 5 END,
               sol.price_unit, (1 + g %% 5) * sol.price_unit,
               (%(reasons)s::int[])[1 + g %% array_length(%(reasons)s::int[], 1)],
               (ARRAY['production', 'quality_escape', 'process', 'supplier', 'carrier', 'dealer',
                      'customer', NULL])[1 + g %% 8],
               sol.id, r.date_request - 60, r.company_id, r.partner_id, r.state, 10
          FROM generate_series(0, %(rma_lines)s - 1) g
          JOIN factory_rma r ON r.id = %(rma_min)s + g %% %(rmas)s
          JOIN sale_order_line sol ON sol.id = %(sol_min)s + (g * 13) %% %(moves)s
        """,
        base,
    )
    start = time.perf_counter()
    env["factory.rma.return.rate.delivery"]._sync_moves()
    log(
        "delivered quantities of the return rate written from the moves (one INSERT ... "
        f"SELECT): {time.perf_counter() - start:.1f} s"
    )
    env.cr.commit()
    vacuum()


def vacuum():
    """VACUUM ANALYZE runs outside a transaction: a connection of its own."""
    start = time.perf_counter()
    with db_connect(cr.dbname).cursor() as vacuum_cr:
        vacuum_cr._cnx.autocommit = True
        for table in (
            "stock_move",
            "stock_picking",
            "sale_order_line",
            "sale_order",
            "factory_rma_return_rate_delivery",
            "factory_rma_line",
            "factory_rma",
            "res_partner",
            "product_product",
            "product_template",
        ):
            vacuum_cr.execute(f"VACUUM ANALYZE {table}")  # noqa: S608
    log(f"vacuum analyze: {time.perf_counter() - start:.1f} s")


def timed(label, func):
    durations = []
    result = None
    for _i in range(RUNS + 1):
        env.invalidate_all()
        start = time.perf_counter()
        result = func()
        durations.append(time.perf_counter() - start)
    cold, warm = durations[0], durations[1:]
    print(
        f"TIMING {label}: first {cold * 1000:.0f} ms, then median "
        f"{statistics.median(warm) * 1000:.0f} ms, best {min(warm) * 1000:.0f} ms "
        f"({len(result)} groups)",
        flush=True,
    )
    return result


if os.environ.get("RMA_VOLUME_SKIP_GENERATE") == "1":
    log("reusing the data already in the database")
    vacuum()
else:
    generate()

cr.execute(
    "SELECT count(*) FILTER (WHERE kind = 'delivery'), count(*) FILTER (WHERE kind = 'return') "
    "FROM factory_rma_return_rate"
)
deliveries, returns = cr.fetchone()
log(f"report rows: {deliveries} delivery rows, {returns} RMA line rows")

manager = env["res.users"].search([("login", "=", "volume_rma_manager")]) or env[
    "res.users"
].create(
    {
        "name": "Volume RMA manager",
        "login": "volume_rma_manager",
        "groups_id": [(6, 0, [env.ref("rma_factory.group_rma_manager").id])],
    }
)
Report = env["factory.rma.return.rate"].with_user(manager)
measures = ["qty_delivered:sum", "qty_accepted:sum", "return_rate:sum"]
with_values = [*measures, "value_delivered:sum", "value_accepted:sum", "value_return_rate:sum"]


def read(groupby, aggregates=measures):
    return lambda: Report.read_group([], aggregates, groupby, lazy=False)


rows = timed("read_group product x quarter (qty, rate)", read(["product_id", "date:quarter"]))
timed("read_group customer x month (qty, rate)", read(["partner_id", "date:month"]))
timed("read_group category x year, values", read(["categ_id", "date:year"], with_values))
timed(
    "read_group customer class x quarter (delivery basis)",
    read(["customer_class", "delivery_date:quarter"]),
)
timed("read_group reason x quarter (window denominator)", read(["reason_id", "date:quarter"]))
timed("read_group customer (5,000 display names)", read(["partner_id"]))
timed("read_group total (no group)", lambda: Report.read_group([], with_values, [], lazy=False))


def raw():
    cr.execute(
        """
        SELECT product_id, date_trunc('quarter', date) AS quarter,
               SUM(qty_delivered), SUM(qty_accepted),
               ROUND((100.0 * SUM(qty_accepted) / NULLIF(SUM(qty_delivered), 0))::numeric, 2)
          FROM factory_rma_return_rate
         GROUP BY 1, 2
        """
    )
    return cr.fetchall()


timed("raw SQL product x quarter", raw)


def raw_deliveries_by_customer_month():
    """The floor of the customer x month read in PostgreSQL: the delivery
    table alone, no view, no returns, no rate."""
    cr.execute("SET LOCAL jit = off")
    cr.execute("SET LOCAL work_mem = '64MB'")
    cr.execute(
        """
        SELECT partner_id, date_trunc('month', date)::date, COUNT(*), SUM(qty)
          FROM factory_rma_return_rate_delivery
         GROUP BY 1, 2
        """
    )
    return cr.fetchall()


timed("raw SQL delivery table alone, customer x month", raw_deliveries_by_customer_month)


def customer_names():
    """The floor of any read grouped by customer in Odoo: the display names
    of the 5,000 customers (Odoo's read_group labels each group by it)."""
    cr.execute("SELECT DISTINCT partner_id FROM factory_rma_return_rate_delivery")
    partners = env["res.partner"].browse([row[0] for row in cr.fetchall()])
    return [partner.display_name for partner in partners]


timed("display names of the customers", customer_names)
cr.execute(
    "EXPLAIN (ANALYZE, BUFFERS OFF) SELECT product_id, date_trunc('quarter', date), "
    "SUM(qty_delivered), SUM(qty_accepted) FROM factory_rma_return_rate GROUP BY 1, 2"
)
plan = "\n".join(row[0] for row in cr.fetchall())
print("PLAN\n" + plan, flush=True)
sample = sorted(rows, key=lambda r: r["__count"], reverse=True)[:1]
log(f"example group: {sample}")
