#!/usr/bin/env bash
# The two Stripe stand-ins, on 127.0.0.1:
#   stripe-mock  (Stripe's own API mock; stateless fixtures checked against Stripe's OpenAPI)
#   localstripe  (stateful: PaymentIntents, signed webhooks to URLs registered with
#                 POST /_config/webhooks/{id}; started fresh, state in memory only)
#
#   deploy/local/stripe.sh start    install what is missing, start (or reuse) both, check they answer
#   deploy/local/stripe.sh stop     stop both (the ones started from this checkout)
#   deploy/local/stripe.sh status   print whether they run (exit 0 when both do, else 3)
#
# Environment: STRIPE_MOCK_PORT (12111, HTTP), STRIPE_MOCK_HTTPS_PORT (12112, HTTPS with a
# self-signed certificate; stripe-mock always opens one), LOCALSTRIPE_PORT (8420),
# STRIPE_STATE_DIR (var/stripe).
# State: var/tools/bin/stripe-mock, var/tools/localstripe-venv (shared), $STRIPE_STATE_DIR (logs,
# pids; the working directory of both processes).
#
# Every process this script starts has a pid file, so `stop` (and `make infra-down`, `make down`)
# leaves none of them running; one whose pid file was lost is found again by its command line
# (this checkout's binary, these ports). Mocks answering on the ports that another checkout
# started are reused by `start` and left alone by `stop`, which says so.
# A private pair (tests), mirroring kafka.sh: its own STRIPE_STATE_DIR and ports; it never reuses
# what it did not start (a taken port is an error), and the pair of a state dir running on other
# ports is neither restarted nor stopped from these.
set -euo pipefail

PART=stripe
# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

STRIPE_MOCK_VERSION=v0.203.0   # pinned: go install github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION
STRIPE_MOCK_PORT="${STRIPE_MOCK_PORT:-12111}"
STRIPE_MOCK_HTTPS_PORT="${STRIPE_MOCK_HTTPS_PORT:-12112}"
LOCALSTRIPE_PORT="${LOCALSTRIPE_PORT:-8420}"
API_KEY=sk_test_123

TOOLS="$VAR_DIR/tools"
STATE="${STRIPE_STATE_DIR:-$VAR_DIR/stripe}"
PRIVATE=0; [[ -n "${STRIPE_STATE_DIR:-}" && "$STATE" != "$VAR_DIR/stripe" ]] && PRIVATE=1
LOCK_NAME="stripe"; ((PRIVATE)) && LOCK_NAME="stripe-$(printf '%s' "$STATE" | md5sum | cut -c1-12)"
MOCK_BIN="$TOOLS/bin/stripe-mock"
MOCK_PID="$STATE/stripe-mock.pid"
MOCK_LOG="$STATE/stripe-mock.log"
LS_VENV="$TOOLS/localstripe-venv"
LS_REQS="$LOCAL_DIR/stripe/localstripe-requirements.txt"
LS_SERVE="$LOCAL_DIR/stripe/localstripe_serve.py"
LS_STAMP="$LS_VENV/.requirements.sha256"   # which requirements file the venv was built from
LS_PID="$STATE/localstripe.pid"
LS_LOG="$STATE/localstripe.log"
# What the command lines of ours contain: this checkout's program and these ports.
MOCK_MATCH="$MOCK_BIN -http-addr 127.0.0.1:$STRIPE_MOCK_PORT "
LS_MATCH="$LS_SERVE --host 127.0.0.1 --port $LOCALSTRIPE_PORT "

# ---------------------------------------------------------------- ownership

# ours PIDFILE PROGRAM MATCH WHAT: true when the process of PIDFILE runs (after adopting one of
# this checkout's whose pid file was lost: a private state dir only adopts what runs in it). Exits
# with an error when it runs PROGRAM on other ports: it serves someone else.
ours() {
    local pidfile="$1" program="$2" match="$3" what="$4" cwd=""
    ((PRIVATE)) && cwd="$STATE"
    pid_running "$pidfile" "$match" || adopt "$pidfile" "$match" "$cwd" || true
    pid_running "$pidfile" "$match" && return 0
    if pid_running "$pidfile" "$program"; then
        die "the $what of $STATE (pid $(<"$pidfile")) runs on other ports ($(tr '\0' ' ' <"/proc/$(<"$pidfile")/cmdline")); a second one needs its own STRIPE_STATE_DIR"
    fi
    return 1
}

# answers_or_exited PIDFILE CHECK: true when CHECK succeeds, or when the process has exited (then
# the caller's CHECK fails again and the log says why, without waiting out the timeout).
answers_or_exited() { "$2" || ! pid_running "$1"; }

# foreign_note PORT WHAT: who answers on PORT, for a part this checkout did not start.
foreign_note() {
    local pid
    pid="$(listener_pids "$1" | head -n 1)"
    [[ -n "$pid" ]] || { echo "unknown owner"; return 0; }
    echo "pid $pid: $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | cut -c1-160)"
}

# ---------------------------------------------------------------- stripe-mock

find_go() {
    local candidate
    for candidate in "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go /usr/lib/go/bin/go; do
        [[ -n "$candidate" && -x "$candidate" ]] && { echo "$candidate"; return 0; }
    done
    return 1
}

mock_installed_version() {
    [[ -x "$MOCK_BIN" ]] || return 0
    "$(find_go)" version -m "$MOCK_BIN" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/stripe/stripe-mock" { print $3 }'
}

ensure_stripe_mock() {
    local go_bin
    if ! go_bin="$(find_go)"; then
        # Debian 12's golang-go is Go 1.19; stripe-mock's go.mod needs 1.22+, so that is only
        # a last resort for newer Debian releases.
        apt_ensure golang-go
        go_bin="$(find_go)" || die "no Go toolchain found to build stripe-mock"
    fi
    [[ "$(mock_installed_version)" == "$STRIPE_MOCK_VERSION" ]] && return 0
    mkdir -p "$TOOLS/bin"
    local t0 build_log="$STATE/stripe-mock-build.log"
    t0="$(now_s)"
    log "building stripe-mock $STRIPE_MOCK_VERSION with $("$go_bin" version) (log: $build_log)"
    GOBIN="$TOOLS/bin" GOFLAGS="${GOFLAGS:-} -buildvcs=false" \
        "$go_bin" install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION" >"$build_log" 2>&1 ||
        die "go install github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION failed (needs Go >= 1.22)" "$build_log"
    log "stripe-mock built in $(elapsed_s "$t0") s"
}

mock_answers() {
    curl -fsS -m 2 -u "$API_KEY:" "http://127.0.0.1:$STRIPE_MOCK_PORT/v1/customers?limit=1" >/dev/null 2>&1
}

start_stripe_mock() {
    if ours "$MOCK_PID" "$MOCK_BIN " "$MOCK_MATCH" stripe-mock; then
        wait_until 10 mock_answers || die "stripe-mock (pid $(<"$MOCK_PID")) runs but does not answer" "$MOCK_LOG"
        log "reusing stripe-mock (pid $(<"$MOCK_PID")) on 127.0.0.1:$STRIPE_MOCK_PORT"
        return 0
    fi
    if ((PRIVATE)); then
        require_free_port "$STRIPE_MOCK_PORT" "the private stripe-mock in $STATE"
        require_free_port "$STRIPE_MOCK_HTTPS_PORT" "the private stripe-mock's HTTPS in $STATE"
    fi
    if port_open "$STRIPE_MOCK_HTTPS_PORT" && ! port_open "$STRIPE_MOCK_PORT"; then
        die "stripe-mock's HTTPS port $STRIPE_MOCK_HTTPS_PORT is taken: $(port_owner "$STRIPE_MOCK_HTTPS_PORT")"
    fi
    if port_open "$STRIPE_MOCK_PORT"; then
        mock_answers && { log "reusing the stripe-mock answering on 127.0.0.1:$STRIPE_MOCK_PORT, started from another checkout ($(foreign_note "$STRIPE_MOCK_PORT")); stop leaves it running"; return 0; }
        die "port $STRIPE_MOCK_PORT is taken by something that is not stripe-mock: $(port_owner "$STRIPE_MOCK_PORT")"
    fi
    local t0
    t0="$(now_s)"
    # -https-addr is not optional: stripe-mock v0.203.0 treats -http-addr alone as "HTTP not
    # explicitly requested" and also opens its default HTTPS listener on *:12112, i.e. on every
    # interface (main.go, getNonSecureHTTPSListener). Naming the HTTPS address keeps it on loopback.
    (cd "$STATE" && spawn "$MOCK_PID" "$MOCK_LOG" "$MOCK_BIN" -http-addr "127.0.0.1:$STRIPE_MOCK_PORT" \
        -https-addr "127.0.0.1:$STRIPE_MOCK_HTTPS_PORT")
    if ! { wait_until 30 answers_or_exited "$MOCK_PID" mock_answers && mock_answers; }; then
        die "stripe-mock did not answer on 127.0.0.1:$STRIPE_MOCK_PORT (it exited, or 30 s passed)" "$MOCK_LOG"
    fi
    log "stripe-mock $STRIPE_MOCK_VERSION ready on 127.0.0.1:$STRIPE_MOCK_PORT in $(elapsed_s "$t0") s"
}

# ---------------------------------------------------------------- localstripe

ensure_localstripe() {
    local want
    want="$(sha256sum "$LS_REQS" | cut -d' ' -f1)"
    [[ -x "$LS_VENV/bin/python" && -f "$LS_STAMP" && "$(<"$LS_STAMP")" == "$want" ]] && return 0

    local t0 venv_log="$STATE/localstripe-install.log"
    t0="$(now_s)"
    log "installing localstripe into $LS_VENV (log: $venv_log)"
    rm -rf "$LS_VENV"
    if ! python3 -m venv "$LS_VENV" >"$venv_log" 2>&1; then
        # Debian's own python3 needs the python3-venv package for `-m venv`.
        apt_ensure python3-venv
        rm -rf "$LS_VENV"
        python3 -m venv "$LS_VENV" >"$venv_log" 2>&1 || die "python3 -m venv $LS_VENV failed" "$venv_log"
    fi
    "$LS_VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$LS_REQS" >>"$venv_log" 2>&1 ||
        die "pip could not install $LS_REQS" "$venv_log"
    echo "$want" >"$LS_STAMP"
    log "localstripe installed in $(elapsed_s "$t0") s"
}

# An authenticated list call: proves localstripe's API (not just some HTTP server) is there.
localstripe_answers() {
    curl -fsS -m 2 -u "$API_KEY:" "http://127.0.0.1:$LOCALSTRIPE_PORT/v1/customers" >/dev/null 2>&1
}

start_localstripe() {
    if ours "$LS_PID" "$LS_SERVE " "$LS_MATCH" localstripe; then
        wait_until 10 localstripe_answers || die "localstripe (pid $(<"$LS_PID")) runs but does not answer" "$LS_LOG"
        log "reusing localstripe (pid $(<"$LS_PID")) on 127.0.0.1:$LOCALSTRIPE_PORT"
        return 0
    fi
    ((PRIVATE)) && require_free_port "$LOCALSTRIPE_PORT" "the private localstripe in $STATE"
    if port_open "$LOCALSTRIPE_PORT"; then
        localstripe_answers && { log "reusing the localstripe answering on 127.0.0.1:$LOCALSTRIPE_PORT, started from another checkout ($(foreign_note "$LOCALSTRIPE_PORT")); stop leaves it running"; return 0; }
        die "port $LOCALSTRIPE_PORT is taken by something that is not localstripe: $(port_owner "$LOCALSTRIPE_PORT")"
    fi
    local t0
    t0="$(now_s)"
    (cd "$STATE" && spawn "$LS_PID" "$LS_LOG" "$LS_VENV/bin/python" -u "$LS_SERVE" --host 127.0.0.1 --port "$LOCALSTRIPE_PORT")
    if ! { wait_until 30 answers_or_exited "$LS_PID" localstripe_answers && localstripe_answers; }; then
        die "localstripe did not answer on 127.0.0.1:$LOCALSTRIPE_PORT (it exited, or 30 s passed)" "$LS_LOG"
    fi
    log "localstripe ready on 127.0.0.1:$LOCALSTRIPE_PORT in $(elapsed_s "$t0") s (fresh, in-memory state)"
}

# ---------------------------------------------------------------- commands

cmd_start() {
    lock_part "$LOCK_NAME"
    mkdir -p "$STATE" "$TOOLS"
    command -v curl >/dev/null 2>&1 || apt_ensure curl
    ensure_stripe_mock
    ensure_localstripe
    start_stripe_mock
    start_localstripe
}

# stop_one PIDFILE PROGRAM MATCH WHAT PORT
stop_one() {
    local pidfile="$1" program="$2" match="$3" what="$4" port="$5"
    if ours "$pidfile" "$program" "$match" "$what"; then
        stop_pidfile "$pidfile" "$what" 10 "$match"
    else
        rm -f "$pidfile"
        if port_open "$port"; then
            log "$what on 127.0.0.1:$port was not started from this checkout ($(foreign_note "$port")): left running"
        else
            log "$what is not running"
        fi
    fi
}

cmd_stop() {
    lock_part "$LOCK_NAME"
    stop_one "$MOCK_PID" "$MOCK_BIN " "$MOCK_MATCH" stripe-mock "$STRIPE_MOCK_PORT"
    stop_one "$LS_PID" "$LS_SERVE " "$LS_MATCH" localstripe "$LOCALSTRIPE_PORT"
}

cmd_status() {
    local rc=0
    if pid_running "$MOCK_PID" "$MOCK_MATCH"; then
        echo "stripe-mock: running (pid $(<"$MOCK_PID")) on 127.0.0.1:$STRIPE_MOCK_PORT"
    else
        echo "stripe-mock: stopped"; rc=3
    fi
    if pid_running "$LS_PID" "$LS_MATCH"; then
        echo "localstripe: running (pid $(<"$LS_PID")) on 127.0.0.1:$LOCALSTRIPE_PORT"
    else
        echo "localstripe: stopped"; rc=3
    fi
    exit "$rc"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) usage_exit "$0" "start|stop|status" ;;
esac
