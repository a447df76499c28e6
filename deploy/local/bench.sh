#!/usr/bin/env bash
# `make bench`: the real parts, then the benchmarks (a table on stdout, JSON under var/bench/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
eval "$(bash deploy/local/infra.sh up)"
uv run --frozen python bench/bench_messaging.py "$@"
