#!/usr/bin/env bash
# `make bench`: the real parts, then every benchmark (bench/run.py): a table on stdout, one JSON file
# per run and the PNG plots under var/bench/. Arguments go to bench/run.py (--smoke: a few seconds of
# each; --help for the settings). wrk (the HTTP load generator) comes from apt when missing; py-spy
# profiles are taken when `py-spy` is on the PATH and --profile-seconds is given.
set -euo pipefail

PART=bench
# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$REPO_ROOT"

eval "$(bash deploy/local/infra.sh up)"
(apt_ensure wrk) || log "wrk is not available: the HTTP benchmark falls back to httpx (slower client)"
export PATH="$PATH:$HOME/.local/bin"  # `uv tool install py-spy==0.4.3` puts it there
uv run --frozen python bench/run.py "$@"
