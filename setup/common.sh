# shellcheck shell=bash
# Shared helpers for setup/run.sh and setup/test.sh. Source it; do not execute it.
#
# Environment knobs (all optional):
#   RMA_ADDONS             comma-separated addons to install
#                          (default: rma_factory,rma_factory_quality,rma_factory_account,
#                          rma_factory_dashboard,
#                          rma_factory_supplier)
#   RMA_EXTRA_ADDONS_PATH  comma-separated addons directories put in front of the repository
#   PG_CLUSTER             "<version> <name>" of the Debian cluster to start when PostgreSQL is
#                          down (default: the pg_lsclusters cluster on port ${PGPORT:-5432},
#                          else the first one listed, else "15 main")

RMA_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RMA_DEFAULT_ADDONS="rma_factory,rma_factory_quality,rma_factory_account,rma_factory_dashboard,rma_factory_supplier"
RMA_ADDONS="${RMA_ADDONS:-$RMA_DEFAULT_ADDONS}"
RMA_LOCAL_DIR="$RMA_REPO_ROOT/.local"

rma_die() {
    echo "$*" >&2
    exit 1
}

rma_log() {
    echo "[rma] $*" >&2
}

# One clear line when Odoo 18.0 is not importable by python3.
rma_require_odoo() {
    local prog="${1:-setup}"
    if ! python3 -c "import odoo" >/dev/null 2>&1; then
        rma_die "$prog: Odoo 18.0 is not importable by python3 — install Odoo 18.0 Community into python3 (see README, Prerequisites)"
    fi
    local version
    version="$(python3 -c "import odoo.release as r; print(r.major_version)" 2>/dev/null || true)"
    if [[ "$version" != "18.0" ]]; then
        rma_die "$prog: python3 imports Odoo '${version:-unknown}', but this repository needs Odoo 18.0 Community"
    fi
}

# The tests render PDFs (wkhtmltopdf), read their text (pdftotext) and run browser tours
# (chromium): a missing tool is a one-line failure, not a skipped or erroring test.
rma_require_test_tools() {
    local prog="${1:-setup}" tool missing=()
    for tool in wkhtmltopdf pdftotext; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
        && ! command -v google-chrome >/dev/null 2>&1; then
        missing+=("chromium")
    fi
    if ((${#missing[@]})); then
        rma_die "$prog: missing ${missing[*]} — install Debian's wkhtmltopdf, poppler-utils and chromium (see README, Prerequisites)"
    fi
}

# Addons path: extra dirs, the repository root, then Odoo's own addons directories
# (the installed package's odoo/addons and, for a source checkout, <root>/addons).
rma_addons_path() {
    local odoo_dirs
    odoo_dirs="$(python3 - <<'PY'
import os
import odoo

pkg = os.path.dirname(os.path.abspath(odoo.__file__))
candidates = [os.path.join(pkg, "addons"), os.path.join(os.path.dirname(pkg), "addons")]
seen = []
for path in candidates:
    path = os.path.realpath(path)
    if os.path.isdir(path) and path not in seen and any(
        os.path.isfile(os.path.join(path, entry, "__manifest__.py")) for entry in os.listdir(path)
    ):
        seen.append(path)
print(",".join(seen))
PY
)"
    [[ -n "$odoo_dirs" ]] || rma_die "setup: cannot find Odoo's addons directory next to the installed odoo package"
    local path="$RMA_REPO_ROOT,$odoo_dirs"
    if [[ -n "${RMA_EXTRA_ADDONS_PATH:-}" ]]; then
        path="$RMA_EXTRA_ADDONS_PATH,$path"
    fi
    echo "$path"
}

_rma_as_postgres() {
    # Run a command as the postgres OS user (needs root or password-less sudo).
    if [[ "$(id -u)" == "0" ]]; then
        su postgres -s /bin/sh -c "$*"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n -u postgres sh -c "$*"
    else
        return 1
    fi
}

# Make sure a local PostgreSQL answers and that the current OS user has a superuser role.
rma_ensure_postgres() {
    command -v pg_isready >/dev/null 2>&1 \
        || rma_die "setup: PostgreSQL client tools (pg_isready, psql) are not installed"
    if ! pg_isready -q; then
        if command -v pg_ctlcluster >/dev/null 2>&1; then
            local cluster="${PG_CLUSTER:-}"
            if [[ -z "$cluster" ]] && command -v pg_lsclusters >/dev/null 2>&1; then
                # the cluster listening on the port libpq will use, else the first one
                cluster="$(pg_lsclusters -h 2>/dev/null \
                    | awk -v port="${PGPORT:-5432}" '$3 == port {print $1, $2; exit}')"
                [[ -n "$cluster" ]] || cluster="$(pg_lsclusters -h 2>/dev/null | awk 'NR == 1 {print $1, $2}')"
            fi
            cluster="${cluster:-15 main}"
            rma_log "starting PostgreSQL cluster $cluster"
            # shellcheck disable=SC2086
            pg_ctlcluster $cluster start || rma_die "setup: could not start PostgreSQL cluster '$cluster' (pg_ctlcluster $cluster start)"
        else
            rma_die "setup: PostgreSQL is not running and pg_ctlcluster is not available; start PostgreSQL first"
        fi
        local i
        for i in $(seq 1 30); do
            pg_isready -q && break
            sleep 1
        done
        pg_isready -q || rma_die "setup: PostgreSQL did not become ready within 30s"
    fi

    local me
    me="$(id -un)"
    if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
        rma_log "creating PostgreSQL superuser role '$me'"
        _rma_as_postgres "psql -v ON_ERROR_STOP=1 -qc 'CREATE ROLE \"$me\" LOGIN SUPERUSER'" >/dev/null \
            || rma_die "setup: cannot connect to PostgreSQL as '$me' and cannot create that role (need root or sudo to run psql as postgres)"
        psql -d postgres -tAc "select 1" >/dev/null 2>&1 \
            || rma_die "setup: still cannot connect to PostgreSQL as '$me' after creating the role"
    fi
}

rma_db_exists() {
    [[ "$(psql -d postgres -tAc "select 1 from pg_database where datname = '$1'")" == "1" ]]
}

# Prints the modules of database $1 whose demo data failed to load (Odoo 18 logs such a failure
# as a warning, records it in ir_demo_failure and goes on installing without that demo data).
rma_db_demo_failures() {
    psql -d "$1" -tAc \
        "select m.name from ir_demo_failure f join ir_module_module m on m.id = f.module_id order by m.name" \
        2>/dev/null || true
}

# Succeeds when every addon of RMA_ADDONS is installed in database $1.
rma_db_has_addons() {
    local db="$1" wanted count
    wanted="$(echo "$RMA_ADDONS" | tr ',' '\n' | sed "s/.*/'&'/" | paste -sd, -)"
    count="$(psql -d "$db" -tAc \
        "select count(*) from ir_module_module where state = 'installed' and name in ($wanted)" \
        2>/dev/null || echo 0)"
    [[ "$count" == "$(echo "$RMA_ADDONS" | tr ',' '\n' | grep -c .)" ]]
}
