#!/usr/bin/env bash
# Benchmark (not a test, CI does not run it): the same customer-return flow in RMA Factory
# and in OCA rma, queries and milliseconds per RMA, against the targets of issue #12.
#
#   ./setup/bench.sh                  # N=50 RMAs (about 10 minutes on a busy 2-core machine)
#   RMA_BENCH_N=5 ./setup/bench.sh    # quick check that everything still runs (about 3 minutes)
#
# Steps:
#  1. Two throw-away databases without demo data: rma_bench_ours_<pid> with rma_factory,
#     rma_factory_quality and rma_factory_account, and rma_bench_oca_<pid> with sale_stock,
#     OCA rma 18.0.1.2.0 and rma_sale 18.0.1.1.0. The OCA wheels come from PyPI (pip download,
#     kept in .local/bench-oca/ so that reruns do not download again) and are installed with
#     pip --target into a temporary folder, which only the OCA database has on its addons path:
#     no OCA code in the repository or in site-packages. Each database gets a chart of accounts.
#  2. The flows of setup/bench/ run in `python3 -m odoo shell` (everything they create is rolled
#     back), each on N fresh sale orders of 5 units, delivered and invoiced, with an RMA for 2.
#     Each call is measured like one request: empty record cache at the start; flush and the
#     precommit hooks (mail tracking) at the end, counted; garbage collected between calls.
#       OCA          create, confirm, receive, refund + post, one RMA per call;
#       ours single  create, submit, approve, receive, judge + process, route, credit note + post,
#                    one RMA per call as a user clicks, then Odoo's own reversal of the same
#                    invoices (account.move.reversal + post, one per call), the credit floor;
#       ours batch   the same as list actions on all N, then the reversal of all N at once;
#       ours inspections on (single and batch): receive, then the inspections closed with their
#                    buttons (start, fill, done) instead of the judgement by hand.
#  3. setup/bench/report.py prints per step the queries and ms per RMA of OCA, ours single and
#     ours batch, the ratios ours ÷ OCA, the totals, the credit step against the reversal, the
#     inspections on against off, and which targets of issue #12 are met.
#
# Exits 0 whatever the figures (it is a benchmark); non-zero only when something failed to run
# (installation, download, a flow raising, or a flow not ending in the expected state).
#
# Knobs: RMA_BENCH_N (RMAs per flow, default 50), RMA_BENCH_KEEP=1 (keep the databases and the
# temporary folder with the logs), RMA_BENCH_OCA_CACHE (folder of the OCA wheels, default
# .local/bench-oca; /tmp/oca is reused when it holds them), RMA_BENCH_LOG_LEVEL (Odoo log level,
# default warn), plus those of setup/common.sh.
set -euo pipefail

# shellcheck source=setup/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PROG="setup/bench.sh"
rma_require_odoo "$PROG"
rma_ensure_postgres

N="${RMA_BENCH_N:-50}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || rma_die "$PROG: RMA_BENCH_N must be a positive number, not '$N'"
LOG_LEVEL="${RMA_BENCH_LOG_LEVEL:-warn}"
BENCH_DIR="$RMA_REPO_ROOT/setup/bench"
OURS_ADDONS="$RMA_DEFAULT_ADDONS"
OCA_ADDONS="sale_stock,rma,rma_sale"
OCA_PINS=(odoo-addon-rma==18.0.1.2.0 odoo-addon-rma-sale==18.0.1.1.0)
OCA_WHEELS=(odoo_addon_rma-18.0.1.2.0-py3-none-any.whl odoo_addon_rma_sale-18.0.1.1.0-py3-none-any.whl)

DB_OURS="rma_bench_ours_$$"
DB_OCA="rma_bench_oca_$$"
for db in "$DB_OURS" "$DB_OCA"; do
    if rma_db_exists "$db"; then
        rma_die "$PROG: database $db already exists; refusing to reuse or drop it"
    fi
done

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/rma_bench.XXXXXX")"
RESULTS="$WORK_DIR/results.txt"
: >"$RESULTS"
STARTED=$SECONDS

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ "${RMA_BENCH_KEEP:-0}" == 1 ]]; then
        rma_log "keeping databases $DB_OURS, $DB_OCA and $WORK_DIR (RMA_BENCH_KEEP=1)"
    else
        local db
        for db in "$DB_OURS" "$DB_OCA"; do
            dropdb --if-exists --force "$db" 2>/dev/null || dropdb --if-exists "$db" || true
        done
        rm -rf "$WORK_DIR"
    fi
    exit "$rc"
}
# Installations and flows run as background children, so that an interrupt stops them at once.
CHILD_PIDS=()
on_signal() {
    local pid
    for pid in "${CHILD_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# Show the end of a log, then fail with one line.
fail_with_log() {
    local log="$1"
    shift
    if [[ -s "$log" ]]; then
        tail -n 25 "$log" >&2
    fi
    rma_die "$PROG: $*"
}

# ---------------------------------------------------------------------------------------------
# OCA addons: wheels from PyPI (cached), installed into a temporary --target folder
# ---------------------------------------------------------------------------------------------
has_wheels() {
    local dir="$1" wheel
    [[ -n "$dir" ]] || return 1
    for wheel in "${OCA_WHEELS[@]}"; do
        [[ -f "$dir/$wheel" ]] || return 1
    done
}

WHEEL_DIR=""
for dir in "${RMA_BENCH_OCA_CACHE:-}" "$RMA_LOCAL_DIR/bench-oca" /tmp/oca; do
    if has_wheels "$dir"; then
        WHEEL_DIR="$dir"
        break
    fi
done
if [[ -z "$WHEEL_DIR" ]]; then
    WHEEL_DIR="${RMA_BENCH_OCA_CACHE:-$RMA_LOCAL_DIR/bench-oca}"
    mkdir -p "$WHEEL_DIR"
    rma_log "downloading ${OCA_PINS[*]} from PyPI into $WHEEL_DIR"
    python3 -m pip download --quiet --no-deps -d "$WHEEL_DIR" "${OCA_PINS[@]}" \
        >"$WORK_DIR/pip.log" 2>&1 \
        || fail_with_log "$WORK_DIR/pip.log" "downloading ${OCA_PINS[*]} from PyPI failed"
    has_wheels "$WHEEL_DIR" \
        || rma_die "$PROG: pip download did not leave ${OCA_WHEELS[*]} in $WHEEL_DIR"
else
    rma_log "reusing the OCA wheels in $WHEEL_DIR"
fi
OCA_TARGET="$WORK_DIR/oca"
wheel_paths=()
for wheel in "${OCA_WHEELS[@]}"; do
    wheel_paths+=("$WHEEL_DIR/$wheel")
done
PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --no-deps --no-compile \
    --target "$OCA_TARGET" "${wheel_paths[@]}" >"$WORK_DIR/pip.log" 2>&1 \
    || fail_with_log "$WORK_DIR/pip.log" "installing the OCA wheels into $OCA_TARGET failed"
OCA_ADDONS_DIR="$OCA_TARGET/odoo/addons"
[[ -f "$OCA_ADDONS_DIR/rma/__manifest__.py" && -f "$OCA_ADDONS_DIR/rma_sale/__manifest__.py" ]] \
    || rma_die "$PROG: the OCA wheels did not install rma and rma_sale under $OCA_ADDONS_DIR"

# ---------------------------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------------------------
OURS_PATH="$(rma_addons_path)"
# Odoo's own addons directories (what follows the repository in the path), behind OCA's.
OCA_PATH="$OCA_ADDONS_DIR,${OURS_PATH##*"$RMA_REPO_ROOT",}"

write_conf() {
    cat >"$1" <<CONF
[options]
addons_path = $2
data_dir = $WORK_DIR/data
max_cron_threads = 0
CONF
}
CONF_OURS="$WORK_DIR/ours.conf"
CONF_OCA="$WORK_DIR/oca.conf"
write_conf "$CONF_OURS" "$OURS_PATH"
write_conf "$CONF_OCA" "$OCA_PATH"

# install DB CONF ADDONS_PATH MODULES: in the background, logging to $WORK_DIR/install-DB.log.
install_db() {
    python3 -m odoo -c "$2" -d "$1" --addons-path="$3" -i "$4" --without-demo=all \
        --stop-after-init --no-http --log-level=warn >"$WORK_DIR/install-$1.log" 2>&1 &
    CHILD_PIDS+=($!)
}

# Succeeds when every module of the comma-separated list $2 is installed in database $1.
db_has_modules() {
    local wanted count
    wanted="$(echo "$2" | tr ',' '\n' | sed "s/.*/'&'/" | paste -sd, -)"
    count="$(psql -d "$1" -tAc \
        "select count(*) from ir_module_module where state = 'installed' and name in ($wanted)" \
        2>/dev/null || echo 0)"
    [[ "$count" == "$(echo "$2" | tr ',' '\n' | grep -c .)" ]]
}

rma_log "installing $OURS_ADDONS into $DB_OURS and $OCA_ADDONS into $DB_OCA (without demo data, a few minutes)"
INSTALL_DBS=("$DB_OURS" "$DB_OCA")
INSTALL_MODULES=("$OURS_ADDONS" "$OCA_ADDONS")
install_db "$DB_OURS" "$CONF_OURS" "$OURS_PATH" "$OURS_ADDONS"
install_db "$DB_OCA" "$CONF_OCA" "$OCA_PATH" "$OCA_ADDONS"
install_rc=()
for i in "${!CHILD_PIDS[@]}"; do
    rc=0
    wait "${CHILD_PIDS[$i]}" || rc=$?
    install_rc[i]=$rc
done
CHILD_PIDS=()
for i in 0 1; do
    db="${INSTALL_DBS[$i]}"
    modules="${INSTALL_MODULES[$i]}"
    log="$WORK_DIR/install-$db.log"
    ((install_rc[i] == 0)) \
        || fail_with_log "$log" "installing $modules into $db failed (exit status ${install_rc[i]})"
    db_has_modules "$db" "$modules" \
        || fail_with_log "$log" "not all of $modules are installed in $db (unknown module or failed dependency?)"
done

# ---------------------------------------------------------------------------------------------
# Flows
# ---------------------------------------------------------------------------------------------
# run_shell LABEL DB CONF ADDONS_PATH SCRIPT [PYTHON_ASSIGNMENT...]: the assignments, then the
# script, executed by `odoo shell` (in the background); its BENCH lines go to $RESULTS.
run_shell() {
    local label="$1" db="$2" conf="$3" path="$4" script="$5"
    shift 5
    local input="$WORK_DIR/$label.py" out="$WORK_DIR/$label.out" log="$WORK_DIR/$label.log"
    python3 - "$BENCH_DIR" "$N" "$@" >"$input" <<'PY'
import sys

print(f"BENCH_DIR = {sys.argv[1]!r}")
print(f"N = {int(sys.argv[2])}")
for assignment in sys.argv[3:]:
    print(assignment)
PY
    cat "$BENCH_DIR/$script" >>"$input"
    local rc=0
    python3 -m odoo shell -c "$conf" -d "$db" --addons-path="$path" --no-http \
        --log-level="$LOG_LEVEL" <"$input" >"$out" 2>"$log" &
    CHILD_PIDS=($!)
    wait "${CHILD_PIDS[0]}" || rc=$?
    CHILD_PIDS=()
    ((rc == 0)) || fail_with_log "$log" "$label failed (exit status $rc) on $db"
    grep -E '^BENCH(CHECK)? ' "$out" >>"$RESULTS" || true
    if grep -q '^BENCHCHECK .* failed ' "$out"; then
        grep '^BENCHCHECK .* failed ' "$out" >&2
        rma_die "$PROG: $label did not end in the expected state on $db"
    fi
}

# settle_db DB: up-to-date planner statistics, and a checkpoint so that no flow pays for writing
# out the dirty pages of the one before it (both databases alike: the flows roll back, so this
# leaves every flow the same starting state; without it our batch flow took 144 to 191 ms per RMA
# in two runs of the same code, with it 124.1 and 124.3).
settle_db() {
    psql -X -q -d "$1" -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null \
        || rma_die "$PROG: VACUUM ANALYZE / CHECKPOINT failed on $1"
}

# run_flow LABEL DB CONF ADDONS_PATH SCRIPT [ASSIGNMENT...]: run_shell, then a progress line.
run_flow() {
    local label="$1" started=$SECONDS
    rma_log "flow $label (N=$N)"
    settle_db "$2"
    run_shell "$@"
    grep -q '^BENCHCHECK ' "$WORK_DIR/$label.out" \
        || fail_with_log "$WORK_DIR/$label.log" "$label printed no result"
    awk -v secs=$((SECONDS - started)) '$1 == "BENCH" && ($4 == "total" || $2 == "reversal") {
        printf "[rma]   %s %s: %s queries, %s ms per RMA (run: %ss)\n", $2, $3, $5, $6, secs
    }' "$WORK_DIR/$label.out" >&2
}

rma_log "loading a chart of accounts where needed"
run_shell prepare-ours "$DB_OURS" "$CONF_OURS" "$OURS_PATH" prepare.py
run_shell prepare-oca "$DB_OCA" "$CONF_OCA" "$OCA_PATH" prepare.py

run_flow oca "$DB_OCA" "$CONF_OCA" "$OCA_PATH" oca_flow.py
run_flow ours-single "$DB_OURS" "$CONF_OURS" "$OURS_PATH" ours_flow.py 'MODE = "single"' 'INSPECT = False'
run_flow ours-batch "$DB_OURS" "$CONF_OURS" "$OURS_PATH" ours_flow.py 'MODE = "batch"' 'INSPECT = False'
run_flow ours-inspect-single "$DB_OURS" "$CONF_OURS" "$OURS_PATH" ours_flow.py 'MODE = "single"' 'INSPECT = True'
run_flow ours-inspect-batch "$DB_OURS" "$CONF_OURS" "$OURS_PATH" ours_flow.py 'MODE = "batch"' 'INSPECT = True'

python3 "$BENCH_DIR/report.py" "$RESULTS" "$N" \
    || rma_die "$PROG: the results in $RESULTS are incomplete"
rma_log "benchmark done in $(((SECONDS - STARTED) / 60)) min $(((SECONDS - STARTED) % 60)) s (noisy on a shared machine: compare figures of the same run)"
