#!/usr/bin/env bash
# PostgreSQL from Debian's packages, listening on 127.0.0.1 only, with the role and the
# databases of the services:
#
#   deploy/local/postgres.sh start    install if missing, configure, start (or reuse), provision
#   deploy/local/postgres.sh stop     stop the cluster (fast shutdown)
#   deploy/local/postgres.sh status   print whether it runs (exit 0) or not (exit 3)
#   deploy/local/postgres.sh restart  fast restart (private clusters only; the fault harness)
#   deploy/local/postgres.sh kill     stop -m immediate, a crash (private clusters only)
#   deploy/local/postgres.sh drop     stop and delete the cluster (private clusters only)
#
# Environment: PGPORT (5432), PG_VERSION (default: the newest installed major version),
# PG_CLUSTER (main). A private cluster for fault tests, never the shared one:
#   PG_CLUSTER=chaos PGPORT=15432 postgres.sh start     (pg_createcluster <version> chaos -p 15432)
#   PG_CLUSTER=chaos PGPORT=15432 postgres.sh drop
# Role `clinic` / password `clinic` (LOGIN CREATEDB SUPERUSER: local and test use only), owning
# the databases catalog, pricing, cart and content. TCP password auth (scram-sha-256) from
# 127.0.0.1 is ensured, e.g. postgresql+asyncpg://clinic:clinic@127.0.0.1:5432/catalog.
#
# The cluster itself is Debian's (pg_ctlcluster <version> main): data in /var/lib/postgresql,
# config in /etc/postgresql, log in /var/log/postgresql. Needs root (or sudo).
set -euo pipefail

PART=postgres
# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

PGPORT="${PGPORT:-5432}"
CLUSTER="${PG_CLUSTER:-main}"
DB_USER=clinic
DB_PASSWORD=clinic
DATABASES=(catalog pricing cart content)
PG_VERSION="${PG_VERSION:-}"
HBA_MARK="# written by deploy/local/postgres.sh"

# as_postgres CMD...: run as the postgres OS user (peer auth on the Unix socket).
as_postgres() {
    if [[ "$(id -un)" == postgres ]]; then
        "$@"
    elif [[ $EUID -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        sudo -n -u postgres "$@"
    fi
}

# Installs the server if missing and picks the major version (newest installed unless PG_VERSION).
ensure_installed() {
    if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
        apt_ensure postgresql
    fi
    local dir installed=()
    for dir in /usr/lib/postgresql/*/bin/postgres; do
        dir="${dir#/usr/lib/postgresql/}"
        installed+=("${dir%%/*}")
    done
    if [[ -z "$PG_VERSION" ]]; then
        PG_VERSION="$(printf '%s\n' "${installed[@]}" | sort -n | tail -n 1)"
    fi
    [[ -x "/usr/lib/postgresql/$PG_VERSION/bin/postgres" ]] ||
        die "PostgreSQL $PG_VERSION is not installed (installed: ${installed[*]})"
    CONF_DIR="/etc/postgresql/$PG_VERSION/$CLUSTER"
    PG_LOG="/var/log/postgresql/postgresql-$PG_VERSION-$CLUSTER.log"
    # Installing the package creates the cluster, unless create_main_cluster is off.
    if [[ ! -f "$CONF_DIR/postgresql.conf" && "${1:-}" != nocreate ]]; then
        log "creating cluster $PG_VERSION/$CLUSTER"
        as_root pg_createcluster "$PG_VERSION" "$CLUSTER" --port "$PGPORT" >&2 8>&- ||
            die "pg_createcluster $PG_VERSION $CLUSTER failed"
    fi
}

cluster_status() { # prints online / down / ...
    pg_lsclusters -h "$PG_VERSION" "$CLUSTER" 2>/dev/null | awk '{ print $4 }'
}

# Listen on 127.0.0.1:$PGPORT only; sets RESTART_NEEDED when that changed. Ensures a
# password (scram-sha-256) rule for TCP from 127.0.0.1; sets RELOAD_NEEDED when added.
configure() {
    RESTART_NEEDED=0
    RELOAD_NEEDED=0

    # The port goes into postgresql.conf itself, where Debian's tools (pg_lsclusters,
    # pg_ctlcluster) read it; pg_conftool writes numbers correctly.
    local port
    port="$(pg_conftool -s "$PG_VERSION" "$CLUSTER" show port 2>/dev/null || true)"
    if [[ "$port" != "$PGPORT" ]]; then
        log "setting port = $PGPORT (was ${port:-unset})"
        as_root pg_conftool "$PG_VERSION" "$CLUSTER" set port "$PGPORT"
        RESTART_NEEDED=1
    fi
    # listen_addresses goes into a conf.d drop-in (Debian's postgresql.conf ends with
    # include_dir = 'conf.d'): pg_conftool writes `listen_addresses = 127.0.0.1` unquoted, which
    # PostgreSQL rejects as a syntax error. Debian's default 'localhost' would also bind ::1.
    local dropin="$CONF_DIR/conf.d/90-clinic-local.conf"
    local wanted="$HBA_MARK
listen_addresses = '127.0.0.1'"
    if [[ ! -f "$dropin" || "$(<"$dropin")" != "$wanted" ]]; then
        log "writing $dropin (listen_addresses = '127.0.0.1')"
        as_root mkdir -p "$CONF_DIR/conf.d"
        printf '%s\n' "$wanted" | as_root tee "$dropin" >/dev/null
        RESTART_NEEDED=1
    fi

    # pg_hba.conf: the first matching line wins. Debian's default already has
    # "host all all 127.0.0.1/32 scram-sha-256"; if no such rule exists, put ours first.
    local hba="$CONF_DIR/pg_hba.conf"
    if ! grep -Eq "^[[:space:]]*host[[:space:]]+all[[:space:]]+(all|$DB_USER)[[:space:]]+127\.0\.0\.1/32[[:space:]]+(scram-sha-256|md5)" "$hba"; then
        log "adding a scram-sha-256 rule for $DB_USER from 127.0.0.1 to $hba"
        as_root sed -i "1i host all $DB_USER 127.0.0.1/32 scram-sha-256 $HBA_MARK" "$hba"
        RELOAD_NEEDED=1
    fi
}

wait_ready() {
    wait_until 30 pg_isready -q -h 127.0.0.1 -p "$PGPORT" ||
        die "PostgreSQL $PG_VERSION/$CLUSTER does not accept connections on 127.0.0.1:$PGPORT" "$PG_LOG"
}

start_cluster() {
    local status t0
    status="$(cluster_status)"
    if [[ "$status" == online ]]; then
        if ((RESTART_NEEDED)); then
            log "restarting $PG_VERSION/$CLUSTER to apply the listen address / port"
            as_root pg_ctlcluster "$PG_VERSION" "$CLUSTER" restart -m fast >&2 8>&- ||
                die "pg_ctlcluster $PG_VERSION $CLUSTER restart failed" "$PG_LOG"
        else
            if ((RELOAD_NEEDED)); then as_root pg_ctlcluster "$PG_VERSION" "$CLUSTER" reload >&2 8>&-; fi
            log "reusing the running cluster $PG_VERSION/$CLUSTER on 127.0.0.1:$PGPORT"
        fi
    else
        if port_open "$PGPORT"; then
            die "port $PGPORT is taken by another process: $(port_owner "$PGPORT")"
        fi
        t0="$(now_s)"
        log "starting cluster $PG_VERSION/$CLUSTER on 127.0.0.1:$PGPORT"
        as_root pg_ctlcluster "$PG_VERSION" "$CLUSTER" start >&2 8>&- ||
            die "pg_ctlcluster $PG_VERSION $CLUSTER start failed" "$PG_LOG"
        wait_ready
        log "started in $(elapsed_s "$t0") s"
    fi
    wait_ready
}

# Role and databases; every statement is safe to repeat.
provision() {
    local db sql
    sql="DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN CREATE ROLE $DB_USER; END IF;
END \$\$;
ALTER ROLE $DB_USER WITH LOGIN CREATEDB SUPERUSER PASSWORD '$DB_PASSWORD';
"
    for db in "${DATABASES[@]}"; do
        sql+="SELECT 'CREATE DATABASE $db OWNER $DB_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db') \\gexec
ALTER DATABASE $db OWNER TO $DB_USER;
"
    done
    local out
    out="$(printf '%s' "$sql" | as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PGPORT" -d postgres 2>&1)" ||
        die "could not create role $DB_USER / databases ${DATABASES[*]}: $out"
}

# Proves what the services will do: password login over TCP from 127.0.0.1 to each database.
verify() {
    local db
    for db in "${DATABASES[@]}"; do
        PGPASSWORD="$DB_PASSWORD" psql -X -q -At -h 127.0.0.1 -p "$PGPORT" -U "$DB_USER" -d "$db" \
            -c 'SELECT 1' >/dev/null 2>"$VAR_DIR/postgres/verify.log" ||
            die "password login as $DB_USER to $db over 127.0.0.1:$PGPORT failed" "$VAR_DIR/postgres/verify.log" "$PG_LOG"
    done
    log "ready: postgresql://$DB_USER:***@127.0.0.1:$PGPORT/{$(IFS=,; echo "${DATABASES[*]}")} (PostgreSQL $PG_VERSION)"
}

cmd_start() {
    lock_part "postgres-$CLUSTER"
    mkdir -p "$VAR_DIR/postgres"
    ensure_installed
    configure
    start_cluster   # (pg_ctlcluster runs with 8>&-: the postmaster must not inherit our lock)
    provision
    verify
}

private_only() {
    [[ "$CLUSTER" != main ]] || die "$1 is for a private cluster (PG_CLUSTER=...); refusing for $PG_VERSION/main"
}

cmd_restart() {
    lock_part "postgres-$CLUSTER"
    ensure_installed
    private_only restart
    local t0
    t0="$(now_s)"
    as_root pg_ctlcluster "$PG_VERSION" "$CLUSTER" restart -m fast >&2 8>&- ||
        die "pg_ctlcluster $PG_VERSION $CLUSTER restart failed" "$PG_LOG"
    wait_ready
    log "restarted $PG_VERSION/$CLUSTER in $(elapsed_s "$t0") s"
}

cmd_kill() {
    lock_part "postgres-$CLUSTER"
    ensure_installed
    private_only kill
    [[ "$(cluster_status)" == online ]] || { log "cluster $PG_VERSION/$CLUSTER is not running"; return 0; }
    as_root pg_ctlcluster "$PG_VERSION" "$CLUSTER" stop -m immediate >&2 ||
        die "pg_ctlcluster $PG_VERSION $CLUSTER stop -m immediate failed" "$PG_LOG"
    log "stopped $PG_VERSION/$CLUSTER (immediate)"
}

cmd_drop() {
    lock_part "postgres-$CLUSTER"
    ensure_installed nocreate
    private_only drop
    if pg_lsclusters -h "$PG_VERSION" "$CLUSTER" >/dev/null 2>&1 && [[ -n "$(cluster_status)" ]]; then
        as_root pg_dropcluster "$PG_VERSION" "$CLUSTER" --stop >&2 || die "pg_dropcluster $PG_VERSION $CLUSTER failed"
        log "dropped cluster $PG_VERSION/$CLUSTER"
    else
        log "cluster $PG_VERSION/$CLUSTER does not exist"
    fi
}

cmd_stop() {
    lock_part "postgres-$CLUSTER"
    ensure_installed
    if [[ "$(cluster_status)" != online ]]; then
        log "cluster $PG_VERSION/$CLUSTER is not running"
        return 0
    fi
    log "stopping cluster $PG_VERSION/$CLUSTER"
    as_root pg_ctlcluster "$PG_VERSION" "$CLUSTER" stop -m fast >&2 ||
        die "pg_ctlcluster $PG_VERSION $CLUSTER stop failed" "$PG_LOG"
    log "stopped"
}

cmd_status() {
    if ! command -v pg_lsclusters >/dev/null 2>&1; then
        echo "postgres: not installed"
        exit 3
    fi
    ensure_installed
    local status port
    status="$(cluster_status)"
    port="$(pg_lsclusters -h "$PG_VERSION" "$CLUSTER" | awk '{ print $3 }')"
    if [[ "$status" == online ]]; then
        echo "postgres: running ($PG_VERSION/$CLUSTER) on 127.0.0.1:$port"
        return 0
    fi
    echo "postgres: stopped ($PG_VERSION/$CLUSTER)"
    exit 3
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    restart) cmd_restart ;;
    kill) cmd_kill ;;
    drop) cmd_drop ;;
    *) usage_exit "$0" "start|stop|status|restart|kill|drop" ;;
esac
