#!/usr/bin/env bash
# All the real parts the services and tests need, on 127.0.0.1:
#
#   deploy/local/infra.sh up       start (or reuse) Kafka, PostgreSQL and the Stripe mocks, then
#                                  print the environment as `export` lines
#   deploy/local/infra.sh down     stop all three
#   deploy/local/infra.sh env      print the `export` lines only (starts nothing)
#   deploy/local/infra.sh status   the status line of each part
#
# Only the export lines go to stdout (progress goes to stderr), so this works:
#   eval "$(deploy/local/infra.sh up)"
#
# Ports come from KAFKA_PORT, PGPORT, STRIPE_MOCK_PORT, LOCALSTRIPE_PORT; private instances from
# KAFKA_STATE_DIR, PG_CLUSTER, STRIPE_STATE_DIR (see each script). `down` stops what this checkout
# started and leaves what another checkout started (each part's stop says so).
set -euo pipefail

PART=infra
# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
PGPORT="${PGPORT:-5432}"
STRIPE_MOCK_PORT="${STRIPE_MOCK_PORT:-12111}"
LOCALSTRIPE_PORT="${LOCALSTRIPE_PORT:-8420}"
PARTS=(kafka postgres stripe)

print_env() {
    local pg="clinic:clinic@127.0.0.1:$PGPORT"
    local -a lines=(
        "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT"
        "CATALOG_DATABASE_URL=postgresql+asyncpg://$pg/catalog"
        "PRICING_DATABASE_URL=postgresql+asyncpg://$pg/pricing"
        "CART_DATABASE_URL=postgresql+asyncpg://$pg/cart"
        "CONTENT_DATABASE_URL=postgresql+asyncpg://$pg/content"
        "POSTGRES_ADMIN_URL=postgresql://$pg/postgres"
        "STRIPE_API_BASE=http://127.0.0.1:$STRIPE_MOCK_PORT"
        "STRIPE_MOCK_URL=http://127.0.0.1:$STRIPE_MOCK_PORT"
        "LOCALSTRIPE_URL=http://127.0.0.1:$LOCALSTRIPE_PORT"
        "STRIPE_API_KEY=sk_test_123"
    )
    local line
    for line in "${lines[@]}"; do
        printf 'export %s=%q\n' "${line%%=*}" "${line#*=}"
    done
}

# The three parts start in parallel (Kafka's JVM start dominates; PostgreSQL's apt install and
# the Stripe builds overlap with it). apt calls are serialised inside lib.sh. Each part's own
# messages go to stderr; a failure names the part and shows the tail of its log.
cmd_up() {
    local t0 part failed=()
    local -A pids=()
    t0="$(now_s)"
    for part in "${PARTS[@]}"; do
        "$LOCAL_DIR/$part.sh" start >&2 &
        pids[$part]=$!
    done
    for part in "${PARTS[@]}"; do
        wait "${pids[$part]}" || failed+=("$part")
    done
    if ((${#failed[@]})); then
        die "could not start: ${failed[*]} (see the messages above)"
    fi
    log "kafka, postgres and stripe are up in $(elapsed_s "$t0") s"
    print_env
}

cmd_down() {
    local part rc=0
    for part in "${PARTS[@]}"; do
        "$LOCAL_DIR/$part.sh" stop >&2 || rc=1
    done
    exit "$rc"
}

cmd_status() {
    local part rc=0
    for part in "${PARTS[@]}"; do
        "$LOCAL_DIR/$part.sh" status || rc=3
    done
    exit "$rc"
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    env) print_env ;;
    status) cmd_status ;;
    *) usage_exit "$0" "up|down|env|status" ;;
esac
