"""OCA rma 18.0.1.2.0 + rma_sale 18.0.1.1.0: the same return flow, timed per step.

Run by setup/bench.sh in `odoo shell` on a database with sale_stock, rma and rma_sale.
Parameters (set by the lines piped before this script): BENCH_DIR (folder of benchlib.py), N.

Flow per RMA, one RMA per call as a user clicks (OCA's confirm fails on several RMAs with
rma_sale): sale order of 5 units, delivered and invoiced -> RMA for 2 units (refund
operation) -> confirm -> receive -> refund created and posted.
"""

import importlib
import sys

sys.path.insert(0, globals()["BENCH_DIR"])
benchlib = importlib.import_module("benchlib")

env = globals()["env"]
N = int(globals().get("N", 50))

partner, product, warehouse, orders = benchlib.delivered_invoiced_orders(env, N)
invoices = benchlib.invoices_of(orders)
operation = env.ref("rma.rma_operation_refund")
bench = benchlib.Bench(env, "oca", "single", N)
Rma = env["rma"]


def rma_vals(order):
    return {
        "partner_id": partner.id,
        "partner_invoice_id": partner.id,
        "partner_shipping_id": partner.id,
        "order_id": order.id,
        "move_id": order.picking_ids.move_ids[:1].id,
        "product_id": product.id,
        "product_uom_qty": 2,
        "product_uom": product.uom_id.id,
        "location_id": warehouse.rma_loc_id.id,
        "operation_id": operation.id,
    }


def create(sale_orders):
    return Rma.create([rma_vals(order) for order in sale_orders])


def refund(rma):
    rma.action_refund()
    rma.refund_id.action_post()


rmas = bench.step("create", orders, create)
bench.step("confirm", rmas, lambda r: r.action_confirm())
receipts = rmas.reception_move_id.picking_id
bench.step("receive", receipts, benchlib.validate)
bench.step("refund", rmas, refund)
bench.report()

bench.settle()
refunds = rmas.refund_id
share = benchlib.credited_share(invoices, refunds)
states = sorted(set(rmas.mapped("state")))
bench.check(
    len(rmas) == N
    and len(receipts) == N
    and len(refunds) == N
    and set(refunds.mapped("state")) == {"posted"}
    and share == 0.4
    and states == ["refunded"],
    f"rmas={len(rmas)} states={','.join(states)} receipts={len(receipts)} "
    f"refunds={len(refunds)} credited_share={share}",
)
