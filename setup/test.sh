#!/usr/bin/env bash
# Run the RMA Factory test suite against a fresh, throw-away database.
#
#   ./setup/test.sh                      # every addon's tests/ plus the top-level tests/
#   ./setup/test.sh -k smoke             # extra arguments go to pytest
#   ./setup/test.sh tests/test_smoke_install.py rma_factory/tests/test_x.py::TestX
#
# Steps: check Odoo 18.0, start PostgreSQL if needed, create database rma_test_<pid>,
# install the addons (demo data off unless RMA_TEST_WITH_DEMO=1), run pytest-odoo with an
# HTTP server so browser tours really run, drop the database on exit.
#
# Fails when: installation fails, pytest fails, pytest collects nothing (exit 5), or a test was
# skipped because the browser/tour machinery (Chrome, websocket-client, HTTP server) is missing.
#
# Knobs: RMA_TEST_DB (database name), RMA_TEST_WITH_DEMO=1, RMA_KEEP_DB=1 (do not drop it),
# RMA_TEST_EXTRA_MODULES (modules installed for the tests besides the addons, default
# purchase_stock),
# RMA_TEST_LOG_LEVEL (Odoo log level during pytest, default warn), RMA_TEST_HTTP_PORT (port of the
# test HTTP server, default 8069: change it to run two suites at once), plus those of common.sh.
set -euo pipefail

# shellcheck source=setup/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rma_require_odoo "setup/test.sh"
rma_require_test_tools "setup/test.sh"
rma_ensure_postgres

DB="${RMA_TEST_DB:-rma_test_$$}"
ADDONS_PATH="$(rma_addons_path)"
if rma_db_exists "$DB"; then
    rma_die "setup/test.sh: database $DB already exists; refusing to reuse or drop it"
fi

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/rma_test.XXXXXX")"
CONF="$WORK_DIR/odoo.conf"
JUNIT="$WORK_DIR/junit.xml"

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ "${RMA_KEEP_DB:-0}" == 1 ]]; then
        rma_log "keeping database $DB and $WORK_DIR (RMA_KEEP_DB=1)"
    else
        dropdb --if-exists --force "$DB" 2>/dev/null || dropdb --if-exists "$DB" || true
        rm -rf "$WORK_DIR"
    fi
    exit "$rc"
}
# The (long, non-interactive) installation runs as a background child so that an interrupt
# stops it at once: Odoo itself may swallow a SIGINT and keep installing.
CHILD_PID=""
run_child() {
    local rc=0
    "$@" &
    CHILD_PID=$!
    wait "$CHILD_PID" || rc=$?
    CHILD_PID=""
    return "$rc"
}
on_signal() {
    if [[ -n "$CHILD_PID" ]]; then
        kill -TERM "$CHILD_PID" 2>/dev/null || true
        wait "$CHILD_PID" 2>/dev/null || true
    fi
    exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

cat >"$CONF" <<CONF
[options]
addons_path = $ADDONS_PATH
db_name = $DB
dbfilter = ^$DB\$
data_dir = $WORK_DIR/data
http_interface = 127.0.0.1
http_port = ${RMA_TEST_HTTP_PORT:-8069}
max_cron_threads = 0
CONF

if [[ "${RMA_TEST_WITH_DEMO:-0}" == 1 ]]; then
    DEMO_ARGS=()
    demo_note="with demo data"
else
    DEMO_ARGS=(--without-demo=all)
    demo_note="without demo data"
fi

# Modules the tests use besides the addons' own dependencies: purchase_stock, so that a
# replacement of a make-to-order product really creates the purchase its route says.
TEST_EXTRA_MODULES="${RMA_TEST_EXTRA_MODULES-purchase_stock}"
INSTALL_MODULES="$RMA_ADDONS${TEST_EXTRA_MODULES:+,$TEST_EXTRA_MODULES}"

rma_log "installing $INSTALL_MODULES into $DB ($demo_note)"
run_child python3 -m odoo -c "$CONF" -d "$DB" -i "$INSTALL_MODULES" "${DEMO_ARGS[@]}" \
    --stop-after-init --no-http --log-level=warn \
    || rma_die "setup/test.sh: installing $RMA_ADDONS failed (see the log above)"
# -i silently ignores unknown module names: check that everything is really installed.
rma_db_has_addons "$DB" \
    || rma_die "setup/test.sh: not all of $RMA_ADDONS are installed in $DB (unknown addon or failed dependency?)"

# Test paths: given on the command line, or every addon's tests/ plus the top-level tests/.
user_paths=0
for arg in "$@"; do
    [[ "$arg" == -* ]] && continue
    [[ -e "${arg%%::*}" ]] && user_paths=1
done
TEST_PATHS=()
if [[ "$user_paths" == 0 ]]; then
    IFS=',' read -r -a addon_dirs <<<"${RMA_EXTRA_ADDONS_PATH:+$RMA_EXTRA_ADDONS_PATH,}$RMA_REPO_ROOT"
    for addons_dir in "${addon_dirs[@]}"; do
        for addon in ${RMA_ADDONS//,/ }; do
            if [[ -f "$addons_dir/$addon/__manifest__.py" && -d "$addons_dir/$addon/tests" ]]; then
                TEST_PATHS+=("$addons_dir/$addon/tests")
            fi
        done
    done
    TEST_PATHS+=("$RMA_REPO_ROOT/tests")
fi

rma_log "running pytest on database $DB"
set +e
python3 -m pytest -p no:cacheprovider -rfEs \
    -c "$RMA_REPO_ROOT/pyproject.toml" --rootdir="$RMA_REPO_ROOT" \
    --odoo-config="$CONF" --odoo-database="$DB" --odoo-http \
    --odoo-log-level="${RMA_TEST_LOG_LEVEL:-warn}" \
    --junitxml="$JUNIT" \
    "${TEST_PATHS[@]}" "$@"
rc=$?
set -e

case "$rc" in
    0) ;;
    5) rma_die "setup/test.sh: FAILED — pytest collected no tests" ;;
    *) rma_die "setup/test.sh: FAILED — pytest exited with status $rc" ;;
esac

# A browser tour that could not start is reported by Odoo as a *skip*: treat it as a failure.
if [[ -f "$JUNIT" ]]; then
    python3 - "$JUNIT" <<'PY' || rma_die "setup/test.sh: FAILED — browser tests were skipped (see above)"
import re
import sys
import xml.etree.ElementTree as ET

pattern = re.compile(r"chrom|websocket|browser|devtools|headless|httpcase|odoo-http", re.I)
bad = []
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    for skipped in case.findall("skipped"):
        reason = " ".join(filter(None, [skipped.get("message"), skipped.text]))
        if pattern.search(reason):
            bad.append(f"{case.get('classname')}.{case.get('name')}: {reason.strip()}")
for line in bad:
    print(f"browser test skipped: {line}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
fi
rma_log "all tests passed"
