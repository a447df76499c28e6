#!/usr/bin/env bash
# The four services as processes (uvicorn, 127.0.0.1), for `make up` and the journey test.
#   deploy/local/services.sh start|stop
# Each service reads its own <SERVICE>_DATABASE_URL and the shared variables from the environment.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${SERVICES_STATE_DIR:-$ROOT/var}"  # a second stack (the journey test) uses its own
RUN="$STATE/run"; LOGS="$STATE/log"
mkdir -p "$RUN" "$LOGS"
declare -A PORTS=([catalog]="${CATALOG_PORT:-8101}" [pricing]="${PRICING_PORT:-8102}" \
                  [cart]="${CART_PORT:-8103}" [content]="${CONTENT_PORT:-8104}")
SERVICES=(catalog pricing cart content)

# Running: the pid is alive, not a zombie (a SIGKILLed process stays one until it is reaped), and uvicorn.
running() {
    local pid
    [[ -f "$RUN/$1.pid" ]] || return 1
    pid="$(cat "$RUN/$1.pid")"
    kill -0 "$pid" 2>/dev/null || return 1
    [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "uvicorn"
}

start() {
    local svc port
    for svc in "${SERVICES[@]}"; do
        port="${PORTS[$svc]}"
        if running "$svc"; then echo "services: $svc already runs on :$port" >&2; continue; fi
        local upper="${svc^^}_DATABASE_URL"
        echo "services: migrating $svc" >&2
        (cd "$ROOT" && uv run --frozen python -m clinic_shared.migrate_cli "services/$svc" "${!upper}") \
            >>"$LOGS/$svc.log" 2>&1 || { echo "services: $svc migrations failed:" >&2; tail -20 "$LOGS/$svc.log" >&2; exit 1; }
        (cd "$ROOT" && exec "$ROOT/.venv/bin/uvicorn" --factory "$svc.bootstrap:create_app" --host 127.0.0.1 \
            --port "$port" --no-access-log) >>"$LOGS/$svc.log" 2>&1 &
        echo $! >"$RUN/$svc.pid"
    done
    for svc in "${SERVICES[@]}"; do
        port="${PORTS[$svc]}"
        for _ in $(seq 1 120); do
            curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
            running "$svc" || { echo "services: $svc exited:" >&2; tail -30 "$LOGS/$svc.log" >&2; exit 1; }
            sleep 0.5
        done
        curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null \
            || { echo "services: $svc is not ready:" >&2; tail -30 "$LOGS/$svc.log" >&2; exit 1; }
        echo "services: $svc ready on http://127.0.0.1:$port" >&2
    done
}

stop() {
    local svc pid
    for svc in "${SERVICES[@]}"; do
        [[ -f "$RUN/$svc.pid" ]] || continue
        pid="$(cat "$RUN/$svc.pid")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$RUN/$svc.pid"
    done
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
