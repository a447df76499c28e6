#!/usr/bin/env bash
# The four services as processes (uvicorn, 127.0.0.1), for `make up`, the journey and the fault tests.
#
#   deploy/local/services.sh start [TARGET...]    start what is not running, wait for each /healthz
#   deploy/local/services.sh stop [TARGET...]     SIGTERM (SIGKILL after 10 s)
#   deploy/local/services.sh kill TARGET...       SIGKILL (a crash), nothing restarted
#   deploy/local/services.sh restart TARGET...    SIGKILL, then start again
#   deploy/local/services.sh status               one line per replica
#   deploy/local/services.sh ports SVC            the ports of SVC's replicas, one per line
#
# A TARGET is a service (`pricing`: all its replicas) or one replica (`pricing-2`); none means all.
# Replicas: <SVC>_REPLICAS (default 1), ports from <SVC>_PORTS or <SVC>_PORT +10 per replica
# (deploy/local/replicas.sh). Each replica has its own pid file (run/<svc>-<n>.pid), log
# (log/<svc>-<n>.log) and SERVICE_INSTANCE_ID=<svc>-<n>. Each service reads its own
# <SERVICE>_DATABASE_URL and the shared variables from the environment.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=deploy/local/replicas.sh
source "$ROOT/deploy/local/replicas.sh"
STATE="${SERVICES_STATE_DIR:-$ROOT/var}"  # a second stack (the journey test) uses its own
RUN="$STATE/run"; LOGS="$STATE/log"
mkdir -p "$RUN" "$LOGS"
SERVICES=(catalog pricing cart content)
HEALTH_TIMEOUT="${SERVICES_HEALTH_TIMEOUT:-120}"

# instances TARGET...: "<svc> <n> <port>" lines for the targets (all replicas of all services if none).
instances() {
    local targets=("$@") t svc n i port
    ((${#targets[@]})) || targets=("${SERVICES[@]}")
    for t in "${targets[@]}"; do
        if [[ "$t" =~ ^(catalog|pricing|cart|content)(-([1-9][0-9]*))?$ ]]; then
            svc="${BASH_REMATCH[1]}"; n="${BASH_REMATCH[3]}"
        else
            echo "services: unknown target '$t' (a service, or <service>-<n>)" >&2; exit 2
        fi
        i=0
        while read -r port; do
            i=$((i + 1))
            [[ -z "$n" || "$n" == "$i" ]] && echo "$svc $i $port"
        done < <(replica_ports "$svc")
        if [[ -n "$n" ]] && ((n > i)); then echo "services: $svc has $i replica(s), no $t" >&2; exit 2; fi
    done
}

# running NAME: the pid is alive, not a zombie (a SIGKILLed process stays one until it is reaped), and uvicorn.
running() {
    local pid
    [[ -f "$RUN/$1.pid" ]] || return 1
    pid="$(cat "$RUN/$1.pid")"
    kill -0 "$pid" 2>/dev/null || return 1
    [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "uvicorn"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
    local svc n port name upper migrated=" " started=()
    while read -r svc n port; do
        name="$svc-$n"
        if running "$name"; then echo "services: $name already runs on :$port" >&2; continue; fi
        # Another stack (or a leftover process) answering on this port would be taken for ours.
        if port_open "$port"; then
            echo "services: port $port for $name is taken by another process:" \
                 "$(ss -Hltnp "sport = :$port" 2>/dev/null | awk '{print $NF}' | head -n 1)" >&2
            exit 1
        fi
        if [[ "$migrated" != *" $svc "* ]]; then
            upper="${svc^^}_DATABASE_URL"
            echo "services: migrating $svc" >&2
            (cd "$ROOT" && uv run --frozen python -m clinic_shared.migrate_cli "services/$svc" "${!upper}") \
                >>"$LOGS/$name.log" 2>&1 || { echo "services: $svc migrations failed:" >&2; tail -20 "$LOGS/$name.log" >&2; exit 1; }
            migrated+="$svc "
        fi
        (cd "$ROOT" && SERVICE_INSTANCE_ID="$name" exec "$ROOT/.venv/bin/uvicorn" --factory "$svc.bootstrap:create_app" \
            --host 127.0.0.1 --port "$port" --no-access-log) >>"$LOGS/$name.log" 2>&1 &
        echo $! >"$RUN/$name.pid"
        started+=("$name:$port")
    done < <(instances "$@")
    local item deadline
    for item in "${started[@]}"; do
        name="${item%%:*}"; port="${item##*:}"
        deadline=$((SECONDS + HEALTH_TIMEOUT))
        until curl -fsS -m 2 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
            running "$name" || { echo "services: $name exited:" >&2; tail -30 "$LOGS/$name.log" >&2; exit 1; }
            ((SECONDS < deadline)) || { echo "services: $name is not healthy after ${HEALTH_TIMEOUT}s:" >&2; tail -30 "$LOGS/$name.log" >&2; exit 1; }
            sleep 0.2
        done
        echo "services: $name ready on http://127.0.0.1:$port" >&2
    done
}

# signal_stop SIGNAL GRACE TARGET...: send SIGNAL to each instance, wait up to GRACE seconds, then SIGKILL.
signal_stop() {
    local sig="$1" grace="$2" svc n port name pid i; shift 2
    while read -r svc n port; do
        name="$svc-$n"
        [[ -f "$RUN/$name.pid" ]] || continue
        pid="$(cat "$RUN/$name.pid")"
        if running "$name"; then
            kill "-$sig" "$pid" 2>/dev/null || true
            for ((i = 0; i < grace * 5; i++)); do running "$name" || break; sleep 0.2; done
            kill -KILL "$pid" 2>/dev/null || true
            for ((i = 0; i < 50; i++)); do running "$name" || break; sleep 0.1; done
            echo "services: $name (pid $pid) stopped with SIG$sig" >&2
        fi
        rm -f "$RUN/$name.pid"
    done < <(instances "$@")
}

status() {
    local svc n port
    while read -r svc n port; do
        if running "$svc-$n"; then echo "$svc-$n running pid $(cat "$RUN/$svc-$n.pid") port $port"
        else echo "$svc-$n stopped port $port"; fi
    done < <(instances)
}

cmd="${1:-}"; shift || true
case "$cmd" in
    start) start "$@" ;;
    stop) signal_stop TERM 10 "$@" ;;
    kill) (($#)) || { echo "usage: $0 kill TARGET..." >&2; exit 2; }; signal_stop KILL 0 "$@" ;;
    restart) (($#)) || { echo "usage: $0 restart TARGET..." >&2; exit 2; }; signal_stop KILL 0 "$@"; start "$@" ;;
    status) status ;;
    ports) (($#)) || { echo "usage: $0 ports SVC" >&2; exit 2; }; replica_ports "$1" ;;
    *) echo "usage: $0 start|stop|kill|restart|status|ports [TARGET...]" >&2; exit 2 ;;
esac
