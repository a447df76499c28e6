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
# State: SERVICES_STATE_DIR (var/: run/, log/); a second stack (the journey test) uses its own.
# Python: the project's environment, $UV_PROJECT_ENVIRONMENT (default .venv, relative to the repo).
# A port that something else listens on is an error naming its owner (another stack answering there
# would be taken for ours), and a replica counts as ready only when its own process answers /healthz.
set -euo pipefail

PART=services
# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
# shellcheck source=deploy/local/replicas.sh
source "$LOCAL_DIR/replicas.sh"
cd "$REPO_ROOT"

STATE="${SERVICES_STATE_DIR:-$VAR_DIR}"
RUN="$STATE/run"; LOGS="$STATE/log"
mkdir -p "$RUN" "$LOGS"
VENV="${UV_PROJECT_ENVIRONMENT:-.venv}"
[[ "$VENV" == /* ]] || VENV="$REPO_ROOT/$VENV"
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
            if [[ -z "$n" || "$n" == "$i" ]]; then echo "$svc $i $port"; fi
        done < <(replica_ports "$svc")
        if [[ -n "$n" ]] && ((n > i)); then echo "services: $svc has $i replica(s), no $t" >&2; exit 2; fi
    done
}

# check_targets TARGET...: exit 2 on an unknown target (instances runs in a subshell below).
check_targets() { instances "$@" >/dev/null || exit 2; }

# match SVC PORT: what the command line of that replica's uvicorn contains.
match() { echo "uvicorn --factory $1.bootstrap:create_app --host 127.0.0.1 --port $2 "; }

# running NAME SVC PORT: its pid file names a live uvicorn of that service on that port.
running() { pid_running "$RUN/$1.pid" "$(match "$2" "$3")"; }

# serves PID PORT: PID itself listens on PORT (not another stack, not a leftover).
serves() { listener_pids "$2" | grep -qx "$1"; }

start() {
    local svc n port name upper migrated=" " todo=() started=()
    check_targets "$@"
    [[ -x "$VENV/bin/uvicorn" ]] || die "no $VENV/bin/uvicorn: run make deps (UV_PROJECT_ENVIRONMENT=${UV_PROJECT_ENVIRONMENT:-})"
    # Every port is checked before anything starts: a taken one names its owner.
    while read -r svc n port; do
        name="$svc-$n"
        if running "$name" "$svc" "$port"; then log "$name already runs on :$port"; continue; fi
        require_free_port "$port" "$name"
        todo+=("$svc $n $port")
    done < <(instances "$@")
    local item
    for item in "${todo[@]}"; do
        read -r svc n port <<<"$item"
        name="$svc-$n"
        if [[ "$migrated" != *" $svc "* ]]; then
            upper="${svc^^}_DATABASE_URL"
            log "migrating $svc"
            printf '\n==== %s migrate %s\n' "$(date -Is)" "$svc" >>"$LOGS/$name.log"
            "$VENV/bin/python" -m clinic_shared.migrate_cli "services/$svc" "${!upper}" >>"$LOGS/$name.log" 2>&1 ||
                die "$svc migrations failed" "$LOGS/$name.log"
            migrated+="$svc "
        fi
        spawn "$RUN/$name.pid" "$LOGS/$name.log" env SERVICE_INSTANCE_ID="$name" \
            "$VENV/bin/uvicorn" --factory "$svc.bootstrap:create_app" --host 127.0.0.1 --port "$port" --no-access-log
        started+=("$name $svc $port")
    done
    local deadline pid
    for item in "${started[@]}"; do
        read -r name svc port <<<"$item"
        pid="$(<"$RUN/$name.pid")"
        deadline=$((SECONDS + HEALTH_TIMEOUT))
        until curl -fsS -m 2 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && serves "$pid" "$port"; do
            running "$name" "$svc" "$port" || die "$name (pid $pid) exited" "$LOGS/$name.log"
            ((SECONDS < deadline)) || die "$name (pid $pid) is not healthy on :$port after ${HEALTH_TIMEOUT}s" "$LOGS/$name.log"
            sleep 0.2
        done
        log "$name ready on http://127.0.0.1:$port (pid $pid)"
    done
}

# stop GRACE TARGET...: SIGTERM, SIGKILL after GRACE seconds (0: SIGKILL at once, a crash).
stop() {
    local grace="$1" svc n port name; shift
    check_targets "$@"
    while read -r svc n port; do
        name="$svc-$n"
        # A replica whose pid file was lost is still found by its command line (service and port).
        running "$name" "$svc" "$port" || adopt "$RUN/$name.pid" "$(match "$svc" "$port")" || true
        [[ -f "$RUN/$name.pid" ]] || continue
        stop_pidfile "$RUN/$name.pid" "$name" "$grace" "$(match "$svc" "$port")"
    done < <(instances "$@")
}

status() {
    local svc n port
    while read -r svc n port; do
        if running "$svc-$n" "$svc" "$port"; then echo "$svc-$n running pid $(<"$RUN/$svc-$n.pid") port $port"
        else echo "$svc-$n stopped port $port"; fi
    done < <(instances)
}

cmd="${1:-}"; shift || true
case "$cmd" in
    start) start "$@" ;;
    stop) stop 10 "$@" ;;
    kill) (($#)) || usage_exit "$0" "kill TARGET..."; stop 0 "$@" ;;
    restart) (($#)) || usage_exit "$0" "restart TARGET..."; stop 0 "$@"; start "$@" ;;
    status) status ;;
    ports) (($#)) || usage_exit "$0" "ports SVC"; replica_ports "$1" ;;
    *) usage_exit "$0" "start|stop|kill|restart|status|ports [TARGET...]" ;;
esac
