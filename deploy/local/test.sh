#!/usr/bin/env bash
# `make test`: the real parts (started or reused by the project's scripts), static checks, then pytest.
# A part that cannot start stops the run here, loudly, naming the part.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash deploy/local/tools.sh
infra_env="$(bash deploy/local/infra.sh up)" || { echo "make test: the real parts did not start (above)" >&2; exit 1; }
eval "$infra_env"
bash deploy/local/web.sh build >&2 || { echo "make test: the storefront did not build (above)" >&2; exit 1; }
echo "== static checks" >&2
bash deploy/local/lint.sh
echo "== tests (Kafka $KAFKA_BOOTSTRAP_SERVERS, PostgreSQL, stripe-mock $STRIPE_MOCK_URL, localstripe $LOCALSTRIPE_URL)" >&2
# The suites run under the test environment (the settings default to production rules).
export ENVIRONMENT="${ENVIRONMENT:-test}"
exec uv run --frozen pytest "$@"
