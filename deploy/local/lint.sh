#!/usr/bin/env bash
# The static checks, defined once: `make lint` runs them, and `make test` before the tests.
#   ruff (style, bugs), import-linter (the layers), mypy (types); shellcheck on deploy/local/*.sh
#   when it is installed (Debian's `shellcheck` package).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
uv run --frozen ruff check .
uv run --frozen lint-imports
uv run --frozen mypy shared/src services/catalog/src services/pricing/src services/cart/src services/content/src
if command -v shellcheck >/dev/null 2>&1; then
    shellcheck -x deploy/local/*.sh
else
    echo "lint: shellcheck is not installed (apt install shellcheck): deploy/local/*.sh not checked" >&2
fi
