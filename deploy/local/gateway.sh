#!/usr/bin/env bash
# The gateway: Debian's nginx running our own config (deploy/gateway/nginx.conf.template) with
# everything it writes under var/nginx/, on 127.0.0.1:${GATEWAY_PORT:-8080}.
#
#   deploy/local/gateway.sh start    install if missing, render + validate the config, start it
#                                    (or reuse it, reloading when the rendered config changed)
#   deploy/local/gateway.sh stop     graceful stop (nginx -s quit)
#   deploy/local/gateway.sh status   print whether it runs (exit 0) or not (exit 3)
#
# Environment: GATEWAY_PORT (8080), CATALOG_PORT (8101), PRICING_PORT (8102), CART_PORT (8103),
# CONTENT_PORT (8104), <SVC>_REPLICAS / <SVC>_PORTS (one upstream server per replica), GATEWAY_RATE (50r/s),
# GATEWAY_BURST (100), GATEWAY_CORS_ORIGIN (*),
# STRIPE_API_BASE (when it is a loopback mock such as localstripe, the storefront pays through
# /stripe-dev/ on the gateway; otherwise that location does not exist).
#
# The storefront is web/dist (built by deploy/local/web.sh, which `make up` and `make test` run);
# until it is built the gateway serves deploy/gateway/static/, a page that says so.
set -euo pipefail

PART=gateway
# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
# shellcheck source=deploy/local/replicas.sh
source "$LOCAL_DIR/replicas.sh"

GATEWAY_DIR="$REPO_ROOT/deploy/gateway"
TEMPLATE="$GATEWAY_DIR/nginx.conf.template"
PREFIX="${GATEWAY_STATE_DIR:-$VAR_DIR/nginx}"  # a second gateway (the journey test) uses its own
CONF="$PREFIX/conf/nginx.conf"
PIDFILE="$PREFIX/nginx.pid"          # written by nginx itself (the `pid` directive)
ERROR_LOG="$PREFIX/logs/error.log"

GATEWAY_PORT="${GATEWAY_PORT:-8080}"

# The variables envsubst may replace; anything else that looks like $name is left to nginx.
# shellcheck disable=SC2016  # single quotes on purpose: envsubst wants the literal names
TEMPLATE_VARS='${NGINX_USER_DIRECTIVE} ${NGINX_WORKERS} ${NGINX_PREFIX} ${STATIC_ROOT}
${GATEWAY_LISTEN} ${GATEWAY_RATE} ${GATEWAY_BURST} ${GATEWAY_CORS_ORIGIN}
${CATALOG_UPSTREAM} ${PRICING_UPSTREAM} ${CART_UPSTREAM} ${CONTENT_UPSTREAM}
${STOREFRONT_CONFIG} ${STRIPE_DEV_LOCATION}'

find_nginx() {
    local candidate
    for candidate in "$(command -v nginx 2>/dev/null || true)" /usr/sbin/nginx; do
        [[ -n "$candidate" && -x "$candidate" ]] && { echo "$candidate"; return 0; }
    done
    return 1
}

ensure_installed() {
    local pkgs=()
    find_nginx >/dev/null || pkgs+=(nginx)
    command -v envsubst >/dev/null 2>&1 || pkgs+=(gettext-base)
    ((${#pkgs[@]} == 0)) || apt_ensure "${pkgs[@]}"
    NGINX="$(find_nginx)" || die "nginx is not installed and apt did not provide it"
}

# When the master runs as root, nginx switches its workers to the `user` directive's account.
# Use nobody (unprivileged) when nobody can read the static files; otherwise (a checkout under a
# private home directory, say) stay root. As a non-root user no directive is needed.
choose_worker_user() {
    WORKER_USER=""
    NGINX_USER_DIRECTIVE="# (master not root: workers run as the invoking user)"
    [[ $EUID -eq 0 ]] || return 0
    local group
    group="$(id -gn nobody 2>/dev/null || echo nogroup)"
    if runuser -u nobody -- test -r "$STATIC_ROOT/index.html" 2>/dev/null; then
        WORKER_USER="nobody:$group"
        NGINX_USER_DIRECTIVE="user nobody $group;"
    else
        WORKER_USER="root:root"
        NGINX_USER_DIRECTIVE="user root root;  # nobody cannot read $STATIC_ROOT"
        log "workers run as root: user nobody cannot read $STATIC_ROOT"
    fi
}

# The storefront's build when there is one, else the placeholder page.
choose_static_root() {
    STATIC_ROOT="$GATEWAY_DIR/static"
    if [[ -s "$REPO_ROOT/web/dist/index.html" ]]; then
        STATIC_ROOT="$REPO_ROOT/web/dist"
    else
        log "web/dist is not built (deploy/local/web.sh builds it): serving the placeholder page"
    fi
}

# Payments in the storefront: with Stripe's real API the browser would use Stripe.js; with a
# local mock on loopback (localstripe) it calls the mock's API through the gateway, same origin,
# so the Content-Security-Policy stays 'self' only. localstripe accepts any sk_test_ key and no
# publishable key on these calls; the key below is a placeholder for the mock, not the cart's.
choose_payments() {
    local base="${STRIPE_API_BASE:-}"
    STRIPE_DEV_LOCATION="        # (no /stripe-dev/: Stripe's API is not a local mock)"
    STOREFRONT_CONFIG='{"payments":{"mode":"stripe"}}'
    if [[ "$base" =~ ^http://(127\.0\.0\.1|localhost):([0-9]+)/?$ ]]; then
        STRIPE_DEV_LOCATION="        location /stripe-dev/ { client_max_body_size 64k; proxy_pass http://127.0.0.1:${BASH_REMATCH[2]}/; }"
        # shellcheck disable=SC2089  # the quotes are JSON for envsubst, never re-parsed by the shell
        STOREFRONT_CONFIG='{"payments":{"mode":"localstripe","api":"/stripe-dev","key":"sk_test_storefront_localstripe_only"}}'
    fi
}

# Renders the template into $CONF.new and validates it with `nginx -t`.
render() {
    mkdir -p "$PREFIX"/{conf,logs} "$PREFIX"/tmp/{client_body,proxy,fastcgi,uwsgi,scgi}
    choose_static_root
    choose_payments
    choose_worker_user
    # Workers write request bodies and proxied responses into tmp/.
    [[ -z "$WORKER_USER" ]] || chown -R "$WORKER_USER" "$PREFIX/tmp"

    # shellcheck disable=SC2090  # (STOREFRONT_CONFIG: see choose_payments)
    export NGINX_USER_DIRECTIVE NGINX_PREFIX="$PREFIX" STATIC_ROOT STOREFRONT_CONFIG STRIPE_DEV_LOCATION
    export NGINX_WORKERS="${NGINX_WORKERS:-2}"
    export GATEWAY_LISTEN="127.0.0.1:$GATEWAY_PORT"
    export GATEWAY_RATE="${GATEWAY_RATE:-50r/s}" GATEWAY_BURST="${GATEWAY_BURST:-100}"
    export GATEWAY_CORS_ORIGIN="${GATEWAY_CORS_ORIGIN:-*}"
    export CATALOG_UPSTREAM PRICING_UPSTREAM CART_UPSTREAM CONTENT_UPSTREAM
    CATALOG_UPSTREAM="$(upstream_servers catalog)"
    PRICING_UPSTREAM="$(upstream_servers pricing)"
    CART_UPSTREAM="$(upstream_servers cart)"
    CONTENT_UPSTREAM="$(upstream_servers content)"
    envsubst "$TEMPLATE_VARS" <"$TEMPLATE" >"$CONF.new"

    local out
    out="$("$NGINX" -t -q -p "$PREFIX/" -c "$CONF.new" -e "$ERROR_LOG" 2>&1)" ||
        die "nginx -t rejected the rendered config $CONF.new: $out"
}

# upstream_servers SVC: the `server` lines of SVC's upstream block, one per replica
# (deploy/local/replicas.sh: <SVC>_REPLICAS, <SVC>_PORTS / <SVC>_PORT).
upstream_servers() {
    local port out="" ports
    ports="$(replica_ports "$1")" || die "cannot list the replicas of $1"
    if [[ "$(wc -l <<<"$ports")" -eq 1 ]]; then
        echo "server 127.0.0.1:$ports;"
        return 0
    fi
    while read -r port; do out+="server 127.0.0.1:$port max_fails=1 fail_timeout=1s; "; done <<<"$ports"
    echo "$out"
}

is_running() { pid_running "$PIDFILE" "$CONF"; }

health() {
    curl -fsS -m 2 "http://127.0.0.1:$GATEWAY_PORT/gateway/health" >/dev/null 2>&1
}

cmd_start() {
    lock_part gateway
    ensure_installed
    render
    local t0 out
    t0="$(now_s)"
    if is_running; then
        if cmp -s "$CONF.new" "$CONF"; then
            rm -f "$CONF.new"
            log "reusing nginx (pid $(<"$PIDFILE")) on 127.0.0.1:$GATEWAY_PORT"
        else
            mv -f "$CONF.new" "$CONF"
            log "config changed: reloading nginx (pid $(<"$PIDFILE"))"
            out="$("$NGINX" -p "$PREFIX/" -c "$CONF" -e "$ERROR_LOG" -s reload 2>&1 8>&-)" ||
                die "nginx -s reload failed: $out" "$ERROR_LOG"
        fi
    else
        if port_open "$GATEWAY_PORT"; then
            die "port $GATEWAY_PORT is taken by another process: $(port_owner "$GATEWAY_PORT")"
        fi
        mv -f "$CONF.new" "$CONF"
        # `daemon on` (the default): the command returns once the master has forked and written
        # its pid file (the daemon points stdout at /dev/null and stderr at the -e log, so $(...)
        # returns). 8>&-: the master must not inherit our lock.
        out="$("$NGINX" -p "$PREFIX/" -c "$CONF" -e "$ERROR_LOG" 2>&1 </dev/null 8>&-)" ||
            die "nginx did not start: $out" "$ERROR_LOG"
        log "started nginx (pid $(<"$PIDFILE"))"
    fi
    wait_until 10 health || die "the gateway does not answer on 127.0.0.1:$GATEWAY_PORT" "$ERROR_LOG"
    log "ready on http://127.0.0.1:$GATEWAY_PORT in $(elapsed_s "$t0") s (config: $CONF)"
}

cmd_stop() {
    lock_part gateway
    if ! is_running; then
        log "nginx is not running"
        rm -f "$PIDFILE"
        return 0
    fi
    local pid
    pid="$(<"$PIDFILE")"
    log "stopping nginx (pid $pid)"
    NGINX="$(find_nginx)"
    # Graceful: finishes in-flight requests. stop_pidfile then waits, and escalates if needed
    # (nginx removes its pid file itself on exit, so hand it a copy).
    "$NGINX" -p "$PREFIX/" -c "$CONF" -e "$ERROR_LOG" -s quit >/dev/null 2>&1 || true
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "$pid" >"$PIDFILE.stop"
        stop_pidfile "$PIDFILE.stop" "nginx" 10
    fi
    rm -f "$PIDFILE"
    log "stopped"
}

cmd_status() {
    if is_running; then
        echo "gateway: running (pid $(<"$PIDFILE")) on http://127.0.0.1:$GATEWAY_PORT"
        exit 0
    fi
    echo "gateway: stopped"
    exit 3
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) usage_exit "$0" "start|stop|status" ;;
esac
