#!/usr/bin/env bash
# Start a local RMA Factory demo server on http://localhost:8069 (login admin / admin).
#
# First run: creates database rma_demo with demo data and Simplified Chinese loaded, installing
# rma_factory, rma_factory_quality, rma_factory_account, rma_factory_dashboard and
# rma_factory_supplier. Later runs reuse that database
# (and install any of those addons that are missing). Extra arguments go to the Odoo server,
# e.g. ./setup/run.sh --dev=xml
#
# Knobs: RMA_DB (default rma_demo), RMA_HTTP_PORT (default 8069), plus those of setup/common.sh.
set -euo pipefail

# shellcheck source=setup/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rma_require_odoo "setup/run.sh"
rma_ensure_postgres

DB="${RMA_DB:-rma_demo}"
PORT="${RMA_HTTP_PORT:-8069}"
ADDONS_PATH="$(rma_addons_path)"

mkdir -p "$RMA_LOCAL_DIR"
CONF="$RMA_LOCAL_DIR/odoo-$DB.conf"
cat >"$CONF" <<CONF
[options]
addons_path = $ADDONS_PATH
db_name = $DB
dbfilter = ^$DB\$
http_port = $PORT
data_dir = $RMA_LOCAL_DIR/data
CONF

if rma_db_exists "$DB" && rma_db_has_addons "$DB"; then
    rma_log "reusing database $DB"
else
    created=0
    if rma_db_exists "$DB"; then
        rma_log "database $DB exists but lacks some of $RMA_ADDONS: installing them"
    else
        created=1
        rma_log "first run: creating database $DB with demo data (this takes a few minutes)"
    fi
    # Demo data is loaded by default for a new database. Do NOT pass --without-demo=False:
    # Odoo 18 reads that as the non-empty string "False" and disables demo data.
    python3 -m odoo -c "$CONF" -d "$DB" -i "$RMA_ADDONS" \
        --load-language=zh_CN --stop-after-init --no-http
    failed="$(rma_db_demo_failures "$DB" | paste -sd, -)"
    if [[ -n "$failed" ]]; then
        rma_die "setup/run.sh: the demo data of $failed failed to load (see the warning above); drop the database (dropdb $DB) and run again"
    fi
    if [[ "$created" == 1 ]]; then
        # Odoo's base data sets admin/admin on a new database; enforce it anyway.
        python3 -m odoo shell -c "$CONF" -d "$DB" --no-http --log-level=warn >/dev/null <<'PY'
admin = env.ref("base.user_admin")
admin.password = "admin"
env.cr.commit()
PY
    fi
    rma_log "database $DB ready (login: admin / admin)"
fi

rma_log "serving $DB on http://localhost:$PORT"
exec python3 -m odoo -c "$CONF" -d "$DB" --addons-path="$ADDONS_PATH" \
    --http-port="$PORT" --db-filter="^$DB\$" "$@"
