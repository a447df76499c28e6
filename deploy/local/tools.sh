#!/usr/bin/env bash
# Tools the test suite uses besides the servers: promtool (Debian's `prometheus` package) to check
# and unit-test the alert rules, and Debian's Chromium for the browser tests (Playwright drives
# /usr/bin/chromium; no browser is ever downloaded). Idempotent.
set -euo pipefail
PART=tools
# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
command -v promtool >/dev/null 2>&1 || apt_ensure prometheus
command -v promtool >/dev/null 2>&1 || die "promtool is still missing after installing prometheus"
[[ -x /usr/bin/chromium ]] || apt_ensure chromium
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is still missing after installing chromium"
