"""RMA Factory's return flow, timed per step (run by setup/bench.sh in `odoo shell`).

Parameters (set by the lines piped before this script):
  BENCH_DIR  folder of benchlib.py
  N          number of RMAs
  MODE       "single": one RMA per call, as a user clicks; "batch": list actions on all N
  INSPECT    False: quality inspections off, refund judged by hand (the flow compared with
             OCA), then Odoo's own reversal of the same invoices is timed as the floor of
             the credit step; True: inspections on, closed with the inspection's buttons

Flow per RMA: sale order of 5 units, delivered and invoiced -> RMA for 2 units -> submit ->
approve -> receive -> judge refund + process (or inspect) -> route to RMA/Defective ->
credit note created and posted.
"""

import importlib
import sys

from odoo import Command

sys.path.insert(0, globals()["BENCH_DIR"])
benchlib = importlib.import_module("benchlib")

env = globals()["env"]
N = int(globals().get("N", 50))
MODE = globals().get("MODE", "single")
INSPECT = bool(globals().get("INSPECT", False))

company = env.company
policy = env["factory.rma.policy"]._get_default(company)
policy.quality_inspection = INSPECT
partner, product, warehouse, orders = benchlib.delivered_invoiced_orders(
    env, N, {"rma_customer_class": "b"}
)
invoices = benchlib.invoices_of(orders)
appearance = env.ref("rma_factory_quality.defect_appearance")
bench = benchlib.Bench(env, "ours_insp" if INSPECT else "ours", MODE, N)
Rma = env["factory.rma"]


def rma_vals(order):
    return {
        "partner_id": partner.id,
        "sale_order_id": order.id,
        "criterion_b": True,
        "line_ids": [
            Command.create(
                {
                    "product_id": product.id,
                    "quantity": 2,
                    "move_id": order.picking_ids.move_ids[:1].id,
                    "sale_line_id": order.order_line[:1].id,
                    "cond_original_packaging": True,
                    "cond_accessories_complete": True,
                    "cond_no_human_damage": True,
                }
            )
        ],
    }


def create(sale_orders):
    return Rma.create([rma_vals(order) for order in sale_orders])


def judge(rma):
    """By hand: the decided outcome on the lines, Confirm Judgement, Process
    Outcomes."""
    rma.line_ids.write({"decided_outcome": "refund"})
    rma.action_judge()
    rma.action_process()


def inspect(inspections):
    """As the inspector: Start, fill the form (one unit sampled, defective,
    appearance defect, our production's fault), Done. Closing judges and
    processes the RMA."""
    inspections.action_start()
    inspections.write(
        {
            "qty_inspected": 1,
            "qty_good": 0,
            "qty_defective": 1,
            "verdict": "confirmed",
            "responsibility": "production",
            "defect_ids": [Command.create({"defect_id": appearance.id, "count": 1})],
        }
    )
    inspections.action_done()


def credit(rmas):
    """The accountant: Create Credit Note (the list's batch action in batch
    mode), then posts the drafts."""
    if MODE == "batch":
        rmas.action_create_credit_note_batch()
    else:
        rmas.action_create_credit_note()
    rmas.credit_note_ids.filtered(lambda m: m.state == "draft").action_post()


rmas = bench.step("create", orders, create)
bench.step("submit", rmas, lambda r: r.action_submit())
bench.step("approve", rmas, lambda r: r.action_approve())
receipts = rmas.picking_ids
bench.step("receive", receipts, benchlib.validate)
if INSPECT:
    inspections = rmas.inspection_ids
    bench.step("inspect", inspections, inspect)
else:
    inspections = env["factory.rma.inspection"]
    bench.step("judge+process", rmas, judge)
routings = rmas.picking_ids - receipts
bench.step("route", routings, benchlib.validate)
bench.step("credit+post", rmas, credit)
bench.report()

bench.settle()
credit_notes = rmas.credit_note_ids
share = benchlib.credited_share(invoices, credit_notes)
states = sorted(set(rmas.mapped("state")))
ok = (
    len(rmas) == N
    and len(routings) == N
    and len(credit_notes) == N
    and set(credit_notes.mapped("state")) == {"posted"}
    and share == 0.4
    and (not INSPECT or (len(inspections) == N and set(inspections.mapped("state")) == {"done"}))
)
bench.check(
    ok,
    f"rmas={len(rmas)} states={','.join(states)} routings={len(routings)} "
    f"inspections={len(inspections)} credit_notes={len(credit_notes)} credited_share={share}",
)

if not INSPECT:
    # Floor of the credit step: Odoo's own Reverse button (account.move.reversal) on the
    # same invoices, draft credit note posted (posting reconciles it with the invoice).
    floor = benchlib.Bench(env, "reversal", MODE, N)
    Reversal = env["account.move.reversal"]

    def reverse(moves):
        wizard = Reversal.with_context(active_model="account.move", active_ids=moves.ids).create(
            {"reason": "Bench", "journal_id": moves[:1].journal_id.id}
        )
        wizard.reverse_moves()
        wizard.new_move_ids.action_post()

    floor.step("credit+post", invoices, reverse)
    floor.report()
    floor.settle()
    reversals = invoices.reversal_move_ids - credit_notes
    floor.check(
        len(reversals) == N and set(reversals.mapped("state")) == {"posted"},
        f"reversals={len(reversals)} states={','.join(sorted(set(reversals.mapped('state'))))}",
    )
