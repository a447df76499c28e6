#!/usr/bin/env bash
# Python side of the set-up: uv (from PyPI) and the locked workspace environment. Idempotent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if ! command -v uv >/dev/null 2>&1; then
    echo "deps: installing uv from PyPI" >&2
    python3 -m pip install --quiet uv >&2
fi
# Bytecode is compiled at install time: uv leaves site-packages without .pyc files, and where the
# environment sets PYTHONDONTWRITEBYTECODE (this machine and its CI do) every Python process would
# compile FastAPI, SQLAlchemy, pydantic, OpenTelemetry and aiokafka from source at each start (the
# cart's import went from 7.9 s to 3.4 s of CPU). A re-run only checks what is there (about 1 s).
uv sync --all-packages --frozen --quiet --compile-bytecode >&2
# The workspace's own packages are editable installs, which uv does not compile.
uv run --frozen --no-sync python -m compileall -q -j 0 services/*/src shared/src >/dev/null
