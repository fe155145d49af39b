#!/usr/bin/env python3
"""Read the log of an Odoo test run and compare its failures with the known upstream failures.

Used by setup/odoo_tests.sh; it can be run by hand on a kept log:

    python3 setup/odoo_tests_report.py odoo-tests.log setup/odoo_known_failures.txt
    python3 setup/odoo_tests_report.py --baseline odoo-tests.log setup/odoo_known_failures.txt

A test is named by its dotted id without the ``odoo.addons.`` prefix, e.g.
``sale.tests.test_access_rights.TestAccessRights.test_access_sales_person``; an error in a class
fixture is ``<module>.<Class>.setUpClass``; a failed subtest counts for its test method.

Normal mode (our addons installed) exits 1 when a test failed that is not in the known list.
Baseline mode (the same Odoo modules, without our addons) checks the list itself: it exits 1
when a listed test passed (it is not an upstream failure and must leave the list) or when a test
failed that is not listed.
"""

import argparse
import re
import sys
from collections import Counter

# Odoo's log format: "<date> <time> <pid> <LEVEL> <db> <logger>: <message> [<perf info>]"
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>[A-Z]+) \S+ (?P<logger>[\w.]+): (?P<msg>.*)$"
)
RESULT = re.compile(r"^(?P<flavour>FAIL|ERROR): (?P<desc>.+)$")
# "setUpClass (odoo.addons.sale.tests.test_x.TestX)", "tearDownModule (odoo.addons.x.tests.y)"
FIXTURE = re.compile(r"^(?P<fixture>\w+) \((?P<target>[\w.]+)\)")
SUBTEST = re.compile(r"^Subtest (?P<test>[\w.]+)")
PLAIN = re.compile(r"^(?P<test>[\w.]+)")
SUMMARY = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests "
    r"when loading database"
)
STARTING = re.compile(r"^Starting (?P<test>[\w.]+) \.\.\.")
PREFIX = "odoo.addons."


def short(name):
    return name[len(PREFIX) :] if name.startswith(PREFIX) else name


def test_id(logger, desc):
    """The dotted id of the test a FAIL/ERROR line of Odoo's test result is about."""
    match = FIXTURE.match(desc)
    if match:
        return f"{short(match['target'])}.{match['fixture']}"
    match = SUBTEST.match(desc) or PLAIN.match(desc)
    return f"{short(logger)}.{match['test']}" if match else f"{short(logger)}: {desc}"


def parse_log(path):
    failures = Counter()  # test id -> number of FAIL/ERROR results
    flavours = {}
    summary = None
    per_module = Counter()
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = LOG_LINE.match(line.rstrip("\n"))
            if not match:
                continue
            msg = match["msg"]
            found = SUMMARY.search(msg)
            if found and match["logger"] == "odoo.tests.result":
                summary = {key: int(value) for key, value in found.groupdict().items()}
                continue
            started = STARTING.match(msg)
            if started and match["level"] == "INFO":
                per_module[short(match["logger"]).split(".", 1)[0]] += 1
                continue
            result = RESULT.match(msg)
            if result and match["level"] == "ERROR":
                ident = test_id(match["logger"], result["desc"].strip())
                failures[ident] += 1
                flavours[ident] = result["flavour"]
    return failures, flavours, summary, per_module


def read_known(path):
    """Test id -> reason, from lines "<test id>  # <reason>"; blank and comment lines skipped."""
    known = {}
    with open(path, encoding="utf-8") as lines:
        for number, raw in enumerate(lines, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            ident, _sep, reason = line.partition("#")
            ident = ident.strip()
            if not reason.strip():
                sys.exit(f"{path}:{number}: give the reason after '#' for {ident}")
            known[ident] = reason.strip()
    return known


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("log")
    parser.add_argument("known")
    parser.add_argument("--baseline", action="store_true", help="run without our addons")
    parser.add_argument("--modules", default="", help="comma-separated modules that must have run")
    args = parser.parse_args()

    failures, flavours, summary, per_module = parse_log(args.log)
    modules = [m for m in args.modules.split(",") if m]
    # Known failures of modules that were not tested this time are left out of the comparison.
    known = {
        ident: reason
        for ident, reason in read_known(args.known).items()
        if not modules or ident.split(".", 1)[0] in modules
    }
    if summary is None:
        print(
            f"odoo tests: FAILED — no test report in {args.log} (Odoo crashed or was stopped)",
            file=sys.stderr,
        )
        return 1
    parsed = sum(failures.values())
    if parsed != summary["failed"] + summary["errors"]:
        print(
            f"odoo tests: FAILED — the log reports {summary['failed']} failed and "
            f"{summary['errors']} error(s) but {parsed} FAIL/ERROR lines were found in {args.log}",
            file=sys.stderr,
        )
        return 1
    missing = [m for m in modules if not per_module.get(m)]
    if missing:
        print(f"odoo tests: FAILED — no test of {', '.join(missing)} ran", file=sys.stderr)
        return 1

    new = sorted(ident for ident in failures if ident not in known)
    known_failed = sorted(ident for ident in failures if ident in known)
    known_passed = sorted(ident for ident in known if ident not in failures)

    mode = "without our addons" if args.baseline else "with our addons"
    print(f"odoo tests ({mode}): {summary['run']} tests run", end="")
    print(" (" + ", ".join(f"{m} {n}" for m, n in sorted(per_module.items())) + ")")
    print(
        f"odoo tests: {summary['failed']} failed, {summary['errors']} error(s); "
        f"{len(known_failed)} known upstream failure(s), {len(new)} new"
    )
    for ident in known_failed:
        print(f"  known   {flavours[ident]:5} {ident}  # {known[ident]}")
    for ident in new:
        print(f"  NEW     {flavours[ident]:5} {ident}")
    for ident in known_passed:
        print(f"  passed  (listed as known) {ident}")

    if args.baseline:
        if new or known_passed:
            print(
                f"odoo tests: FAILED — {args.known} does not match the failures without our "
                f"addons: {len(new)} unlisted failure(s), "
                f"{len(known_passed)} listed test(s) passed",
                file=sys.stderr,
            )
            return 1
        print(f"odoo tests: {args.known} matches the failures without our addons")
        return 0
    if new:
        print(
            f"odoo tests: FAILED — {len(new)} Odoo test(s) fail with our addons installed and are "
            f"not known upstream failures: {', '.join(new)}",
            file=sys.stderr,
        )
        return 1
    print("odoo tests: no failure beyond the known upstream ones")
    return 0


if __name__ == "__main__":
    sys.exit(main())
