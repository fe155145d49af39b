"""Table of setup/bench.sh: reads the BENCH lines of the flows, prints the figures per
step, the ratios and the targets of issue #12 (plain python3, no Odoo needed).

    python3 setup/bench/report.py RESULTS_FILE N
"""

import sys
from collections import defaultdict

# (label, OCA steps, ours steps): rows of the main table, OCA's steps beside ours.
ROWS = [
    ("create", ["create"], ["create"]),
    ("confirm | submit+approve", ["confirm"], ["submit", "approve"]),
    ("  submit", None, ["submit"]),
    ("  approve", None, ["approve"]),
    ("receive", ["receive"], ["receive"]),
    ("judge+process (ours only)", None, ["judge+process"]),
    ("route (ours only)", None, ["route"]),
    ("refund | credit+post", ["refund"], ["credit+post"]),
    ("total", ["total"], ["total"]),
]

# Targets of issue #12 (ratios to the reference figures).
ONE_PER_CLICK = 1.0  # ours single ÷ OCA, queries and wall time
BATCH_QUERIES = 0.4  # ours batch ÷ OCA
BATCH_TIME = 0.5
CREDIT_FLOOR = 1.2  # ours credit+post ÷ Odoo's reversal
INSPECTIONS = 1.5  # (receive + inspect) with inspections ÷ (receive + judge+process) without


def parse(path):
    figures = defaultdict(dict)  # (impl, mode) -> step -> (queries, ms)
    checks = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            words = line.split()
            if len(words) == 6 and words[0] == "BENCH":
                _tag, impl, mode, step, queries, ms = words
                figures[impl, mode][step] = (float(queries), float(ms))
            elif len(words) >= 4 and words[0] == "BENCHCHECK":
                checks[words[1], words[2]] = (words[3], " ".join(words[4:]))
    return figures, checks


def total(figures, key, steps):
    """(queries, ms) summed over ``steps`` of one flow, None when missing."""
    flow = figures.get(key, {})
    if not steps or any(step not in flow for step in steps):
        return None
    return (sum(flow[s][0] for s in steps), sum(flow[s][1] for s in steps))


def ratio(ours, ref):
    if ours is None or ref is None:
        return None
    return tuple(o / r if r else float("inf") for o, r in zip(ours, ref, strict=True))


def cells(pair, fmt):
    if pair is None:
        return ["-", "-"]
    return [fmt.format(pair[0]), fmt.format(pair[1])]


def table(header, rows):
    widths = [max(len(row[i]) for row in [*header, *rows]) for i in range(len(rows[0]))]
    for row in [*header, *rows]:
        first = row[0].ljust(widths[0])
        rest = "  ".join(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))
        print(f"{first}  {rest}".rstrip())


def verdict(pairs_and_limits):
    """MET when every (ratio, limit) holds; 'n/a' when a figure is missing."""
    if any(value is None for value, _limit in pairs_and_limits):
        return "n/a"
    return "MET" if all(value <= limit for value, limit in pairs_and_limits) else "NOT MET"


def fmt_ratio(value):
    return "n/a" if value is None else f"{value:.2f}×"


def main(path, n):
    figures, checks = parse(path)
    oca, single, batch = ("oca", "single"), ("ours", "single"), ("ours", "batch")

    print(f"\nRMA Factory vs OCA rma 18.0.1.2.0 + rma_sale 18.0.1.1.0, N={n} RMAs")
    print("queries (q) and milliseconds (ms) per RMA; ratios ours ÷ OCA\n")
    header = [
        ["", "OCA", "", "ours single", "", "ours batch", "", "single÷OCA", "", "batch÷OCA", ""],
        ["step", "q", "ms", "q", "ms", "q", "ms", "q", "ms", "q", "ms"],
    ]
    rows = []
    for label, oca_steps, ours_steps in ROWS:
        ref = total(figures, oca, oca_steps)
        ours_single = total(figures, single, ours_steps)
        ours_batch = total(figures, batch, ours_steps)
        rows.append(
            [label]
            + cells(ref, "{:.1f}")
            + cells(ours_single, "{:.1f}")
            + cells(ours_batch, "{:.1f}")
            + cells(ratio(ours_single, ref), "{:.2f}")
            + cells(ratio(ours_batch, ref), "{:.2f}")
        )
    table(header, rows)

    print("\nCredit step vs Odoo's own reversal (account.move.reversal + post, same invoices)\n")
    rows = []
    credit_ratios = {}
    for mode in ("single", "batch"):
        ours = total(figures, ("ours", mode), ["credit+post"])
        floor = total(figures, ("reversal", mode), ["credit+post"])
        credit_ratios[mode] = ratio(ours, floor)
        rows.append(
            [mode]
            + cells(ours, "{:.1f}")
            + cells(floor, "{:.1f}")
            + cells(credit_ratios[mode], "{:.2f}")
        )
    table(
        [
            ["", "ours credit+post", "", "Odoo reversal", "", "ours÷reversal", ""],
            ["mode", "q", "ms", "q", "ms", "q", "ms"],
        ],
        rows,
    )

    print("\nQuality inspections on vs off: receive + close the inspections (buttons)")
    print("vs receive + judge by hand (judge+process)\n")
    rows = []
    inspection_ratios = {}
    for mode in ("single", "batch"):
        off = total(figures, ("ours", mode), ["receive", "judge+process"])
        on = total(figures, ("ours_insp", mode), ["receive", "inspect"])
        inspection_ratios[mode] = ratio(on, off)
        rows.append(
            [mode]
            + cells(off, "{:.1f}")
            + cells(on, "{:.1f}")
            + cells(inspection_ratios[mode], "{:.2f}")
        )
    table(
        [
            ["", "inspections off", "", "inspections on", "", "on÷off", ""],
            ["mode", "q", "ms", "q", "ms", "q", "ms"],
        ],
        rows,
    )
    for mode in ("single", "batch"):
        whole = total(figures, ("ours_insp", mode), ["total"])
        if whole:
            print(
                f"whole flow, inspections on, {mode}: {whole[0]:.1f} q, {whole[1]:.1f} ms per RMA"
            )

    single_ratio = ratio(total(figures, single, ["total"]), total(figures, oca, ["total"]))
    batch_ratio = ratio(total(figures, batch, ["total"]), total(figures, oca, ["total"]))

    def parts(pair):
        return (None, None) if pair is None else pair

    print("\nTargets of issue #12")
    sq, st = parts(single_ratio)
    print(
        f"  [{verdict([(sq, ONE_PER_CLICK), (st, ONE_PER_CLICK)])}] one RMA per click: whole flow "
        f"<= {ONE_PER_CLICK} × OCA's queries and wall time — queries {fmt_ratio(sq)}, "
        f"wall time {fmt_ratio(st)}"
    )
    bq, bt = parts(batch_ratio)
    print(
        f"  [{verdict([(bq, BATCH_QUERIES), (bt, BATCH_TIME)])}] list actions on {n}: "
        f"<= {BATCH_QUERIES} × OCA's queries and <= {BATCH_TIME} × its wall time — "
        f"queries {fmt_ratio(bq)}, wall time {fmt_ratio(bt)}"
    )
    limits, texts = [], []
    for mode in ("single", "batch"):
        q, t = parts(credit_ratios[mode])
        limits += [(q, CREDIT_FLOOR), (t, CREDIT_FLOOR)]
        texts.append(f"{mode}: queries {fmt_ratio(q)}, wall time {fmt_ratio(t)}")
    print(
        f"  [{verdict(limits)}] credit notes within {CREDIT_FLOOR} × Odoo's own reversal — "
        + "; ".join(texts)
    )
    limits, texts = [], []
    for mode in ("single", "batch"):
        q, t = parts(inspection_ratios[mode])
        limits += [(q, INSPECTIONS), (t, INSPECTIONS)]
        texts.append(f"{mode}: queries {fmt_ratio(q)}, wall time {fmt_ratio(t)}")
    print(
        f"  [{verdict(limits)}] receive + close inspections with inspections on <= "
        f"{INSPECTIONS} × off — " + "; ".join(texts)
    )

    failed = [f"{impl} {mode}: {text}" for (impl, mode), (ok, text) in checks.items() if ok != "ok"]
    print("\nChecks of the flows' end state:")
    for (impl, mode), (ok, text) in sorted(checks.items()):
        print(f"  {impl:9s} {mode:6s} {ok:6s} {text}")
    return 1 if failed or not checks else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: report.py RESULTS_FILE N")
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
