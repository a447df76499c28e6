#!/usr/bin/env bash
# Python side of the set-up: uv (from PyPI) and the locked workspace environment. Idempotent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if ! command -v uv >/dev/null 2>&1; then
    echo "deps: installing uv from PyPI" >&2
    python3 -m pip install --quiet uv >&2
fi
uv sync --all-packages --frozen --quiet >&2
