#!/usr/bin/env bash
# Volume benchmark of the return-rate report (issue #15): a benchmark, not a test.
#
# Creates a throw-away database (rma_volume_<pid>), installs rma_factory without demo data,
# generates with plain SQL 1,000,000 delivered stock moves (+ 2 % ordinary returns), their sale
# orders and lines, and 100,000 RMA lines (setup/volume/return_rate.py), then times grouped reads
# of RMA → Reporting → Return Rate through the ORM (read_group as an RMA manager, like the pivot)
# and as raw SQL, prints the timings and drops the database. About 10 minutes on a busy 2-core
# machine, most of it generating the rows.
#
# Knobs: RMA_VOLUME_MOVES (1000000), RMA_VOLUME_RMA_LINES (100000), RMA_VOLUME_PRODUCTS (1000),
# RMA_VOLUME_PARTNERS (5000), RMA_VOLUME_RUNS (timed runs per read, 3), RMA_VOLUME_KEEP=1 (keep the
# database), RMA_VOLUME_DB (its name), plus those of setup/common.sh.
set -euo pipefail

# shellcheck source=setup/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rma_require_odoo "setup/volume_return_rate.sh"
rma_ensure_postgres

DB="${RMA_VOLUME_DB:-rma_volume_$$}"
if rma_db_exists "$DB"; then
    rma_die "setup/volume_return_rate.sh: database $DB already exists; refusing to reuse or drop it"
fi
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/rma_volume.XXXXXX")"
CONF="$WORK_DIR/odoo.conf"
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ "${RMA_VOLUME_KEEP:-0}" == 1 ]]; then
        rma_log "keeping database $DB (RMA_VOLUME_KEEP=1)"
    else
        dropdb --if-exists --force "$DB" 2>/dev/null || dropdb --if-exists "$DB" || true
    fi
    rm -rf "$WORK_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cat >"$CONF" <<CONF
[options]
addons_path = $(rma_addons_path)
data_dir = $WORK_DIR/data
max_cron_threads = 0
CONF

rma_log "installing rma_factory into $DB (without demo data)"
python3 -m odoo -c "$CONF" -d "$DB" -i rma_factory --without-demo=all \
    --stop-after-init --no-http --log-level=warn \
    || rma_die "setup/volume_return_rate.sh: installing rma_factory failed"
rma_log "generating the volume and timing the reads"
python3 -m odoo shell -c "$CONF" -d "$DB" --no-http --log-level=warn \
    <"$RMA_REPO_ROOT/setup/volume/return_rate.py"
