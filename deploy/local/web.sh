#!/usr/bin/env bash
# The storefront's build: `npm ci` for clients/typescript and web (when node_modules is missing or
# its lock file changed), then `vite build` into web/dist (when any input changed since the last
# build). Idempotent and safe to run from several processes at once (one lock).
#
#   deploy/local/web.sh build    install and build what is missing or stale (`make up`, `make test`)
#   deploy/local/web.sh status   exit 0 when web/dist is up to date, 3 when not
set -euo pipefail

PART=web
# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

WEB="$REPO_ROOT/web"
CLIENT="$REPO_ROOT/clients/typescript"
STAMP="$WEB/dist/.inputs.sha256"

ensure_node() {
    if ! command -v npm >/dev/null 2>&1; then
        apt_ensure nodejs npm
    fi
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    ((major >= 20)) || die "Node $major is too old: the storefront's tools need Node 20 or newer"
}

# inputs_hash: one hash over every file the build reads (sources, configs, lock files).
inputs_hash() {
    (
        cd "$REPO_ROOT"
        find web/src web/public web/index.html web/vite.config.ts web/tsconfig.json web/package.json web/package-lock.json \
            clients/typescript/src clients/typescript/package.json clients/typescript/package-lock.json \
            -type f -print0 2>/dev/null | sort -z | xargs -0 sha256sum
    ) | sha256sum | cut -d' ' -f1
}

# npm_ci DIR: a clean install from the lock file, unless node_modules already matches it.
npm_ci() {
    local dir="$1" want have
    want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
    have="$(cat "$dir/node_modules/.lock.sha256" 2>/dev/null || true)"
    [[ "$want" == "$have" ]] && return 0
    log "npm ci in ${dir#"$REPO_ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed in $dir"
    echo "$want" >"$dir/node_modules/.lock.sha256"
}

up_to_date() {
    [[ -s "$WEB/dist/index.html" && -s "$STAMP" && "$(cat "$STAMP")" == "$(inputs_hash)" ]] &&
        [[ "$(cat "$WEB/node_modules/.lock.sha256" 2>/dev/null)" == "$(sha256sum "$WEB/package-lock.json" | cut -d' ' -f1)" ]] &&
        [[ "$(cat "$CLIENT/node_modules/.lock.sha256" 2>/dev/null)" == "$(sha256sum "$CLIENT/package-lock.json" | cut -d' ' -f1)" ]]
}

cmd_build() {
    lock_part web
    if up_to_date; then
        log "web/dist is up to date"
        return 0
    fi
    ensure_node
    npm_ci "$CLIENT"
    npm_ci "$WEB"
    local t0 hash
    t0="$(now_s)"
    hash="$(inputs_hash)"
    (cd "$WEB" && npx --no-install tsc --noEmit >&2 && npx --no-install vite build --logLevel warn >&2) || die "the storefront did not build"
    echo "$hash" >"$STAMP"
    log "built web/dist in $(elapsed_s "$t0") s"
}

case "${1:-}" in
    build) cmd_build ;;
    status) if up_to_date; then echo "web: up to date"; else echo "web: stale or not built"; exit 3; fi ;;
    *) usage_exit "$0" "build|status" ;;
esac
