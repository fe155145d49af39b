"""Commits a chart of accounts into a new benchmark database (run once by setup/bench.sh
in `odoo shell`), so that the flows, which roll back, do not load it each time."""

import importlib
import sys

sys.path.insert(0, globals()["BENCH_DIR"])
benchlib = importlib.import_module("benchlib")

env = globals()["env"]
benchlib.ensure_chart(env)
env.cr.commit()
print("BENCHPREP ok", flush=True)
