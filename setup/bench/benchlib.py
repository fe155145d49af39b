"""Helpers shared by the benchmark flows of setup/bench.sh (not an Odoo addon).

The flow scripts run inside ``python3 -m odoo shell`` and import this module from
``BENCH_DIR``. Everything they create is rolled back by the shell at the end.

Output, one line each, read by ``report.py``:

    BENCH <impl> <mode> <step> <queries_per_rma> <ms_per_rma>
    BENCHCHECK <impl> <mode> ok|failed <free text>
"""

import gc
import time

from odoo import Command
from odoo.models import BaseModel


class Bench:
    """Times the steps of one flow: queries (the cursor's SQL counter) and wall
    time, divided by the number of RMAs.

    Each measured call is treated like one request: it starts from an empty
    record cache and ends with what a commit runs before committing (flush
    and the precommit hooks, i.e. mail tracking), both counted. Between two
    calls the garbage is collected outside the measure: in one long shell
    transaction the environments of earlier calls would otherwise pile up in
    the transaction and slow down every later ``with_context()``, which does
    not happen to requests that each have their own transaction."""

    def __init__(self, env, impl, mode, n):
        if mode not in ("single", "batch"):
            raise ValueError(f"unknown mode {mode!r} (single or batch)")
        self.env = env
        self.impl = impl
        self.mode = mode
        self.n = n
        self.steps = {}

    def settle(self):
        """Close the work done so far as a commit would (without committing)
        and start the next call from a clean state."""
        self.env.cr.flush()
        self.env.invalidate_all()
        gc.collect()

    def _measure(self, name, func, records):
        self.settle()
        q0, t0 = self.env.cr.sql_log_count, time.perf_counter()
        result = func(records)
        self.env.cr.flush()
        queries, seconds = self.steps.get(name, (0, 0.0))
        self.steps[name] = (
            queries + self.env.cr.sql_log_count - q0,
            seconds + time.perf_counter() - t0,
        )
        return result

    def step(self, name, records, func):
        """``batch``: one call of ``func`` on all ``records``, as a list
        action (the records browsed by their ids, as the web client sends
        them). ``single``: one call per record, each on that record alone
        (no prefetching across the list), as a user clicks one button after
        the other. Returns the union of what the calls return when they
        return records."""
        if self.mode == "batch":
            return self._measure(name, func, records.browse(records.ids))
        results = []
        for record_id in records.ids:
            results.append(self._measure(name, func, records.browse(record_id)))
        if results and all(isinstance(r, BaseModel) for r in results):
            return results[0].union(*results[1:])
        return None

    def report(self):
        for name, (queries, seconds) in self.steps.items():
            self._line(name, queries, seconds)
        if len(self.steps) > 1:
            self._line(
                "total",
                sum(q for q, _s in self.steps.values()),
                sum(s for _q, s in self.steps.values()),
            )

    def _line(self, name, queries, seconds):
        print(
            f"BENCH {self.impl} {self.mode} {name} "
            f"{queries / self.n:.1f} {seconds / self.n * 1000:.1f}",
            flush=True,
        )

    def check(self, ok, details):
        print(
            f"BENCHCHECK {self.impl} {self.mode} {'ok' if ok else 'failed'} {details}", flush=True
        )
        return ok


def ensure_chart(env):
    """A chart of accounts, loaded the way a new company gets one."""
    company = env.company
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    if not journal:
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)


def validate(pickings):
    """Validate transfers as the warehouse does: every unit picked, no
    backorder or wizard expected."""
    for move in pickings.move_ids:
        move.quantity = move.product_uom_qty
    pickings.move_ids.picked = True
    result = pickings.button_validate()
    if result is not True:
        raise RuntimeError(f"validating {pickings.mapped('name')} opened a wizard: {result}")
    return result


def delivered_invoiced_orders(env, n, partner_vals=None, qty=5):
    """``n`` confirmed sale orders of ``qty`` units each, delivered and
    invoiced (posted), for one customer and one storable product."""
    ensure_chart(env)
    company = env.company
    partner = env["res.partner"].create({"name": "Bench Dealer", **(partner_vals or {})})
    product = env["product.product"].create(
        {
            "name": "Bench Mold",
            "is_storable": True,
            "list_price": 100.0,
            "invoice_policy": "delivery",
        }
    )
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, n * qty * 2)
    orders = env["sale.order"]
    for i in range(n):
        if i % 10 == 0:
            env.cr.flush()  # what a commit would run: keeps the transaction lean
            gc.collect()
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})],
            }
        )
        order.action_confirm()
        validate(order.picking_ids)
        order._create_invoices().action_post()
        orders |= order
    env.flush_all()
    return partner, product, warehouse, orders


def invoices_of(orders):
    return orders.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")


def credited_share(invoices, credit_notes):
    """Share of the invoiced amount that the posted credit notes give back
    (2 of 5 units: 0.4)."""
    invoiced = sum(invoices.mapped("amount_total"))
    credited = sum(credit_notes.filtered(lambda m: m.state == "posted").mapped("amount_total"))
    return round(credited / invoiced, 4) if invoiced else 0.0
