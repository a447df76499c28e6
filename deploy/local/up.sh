#!/usr/bin/env bash
# `make up`: Kafka, the Stripe mocks, the four services on SQLite files under var/data/, the nginx
# gateway, and the demo data. Idempotent: what already runs is reused. `make down` stops it all.
# Ports and state dirs come from the parts' variables (KAFKA_PORT, KAFKA_STATE_DIR, STRIPE_MOCK_PORT,
# LOCALSTRIPE_PORT, STRIPE_STATE_DIR, <SVC>_PORT, SERVICES_STATE_DIR, GATEWAY_PORT,
# GATEWAY_STATE_DIR; <SVC>_DATABASE_URL), so a second stack can run beside the first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
mkdir -p var/data
bash deploy/local/kafka.sh start >&2
bash deploy/local/stripe.sh start >&2
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
# Production rules are the default everywhere else; `make up` is a developer's machine, said explicitly.
# (So the settings' development-only AUTH_JWT_SECRET is accepted, unless one is set.)
export ENVIRONMENT="${ENVIRONMENT:-development}"
export GATEWAY_PORT="${GATEWAY_PORT:-8080}"
for svc in catalog pricing cart content; do
    var="${svc^^}_DATABASE_URL"
    export "$var"="${!var:-sqlite+aiosqlite:///$ROOT/var/data/$svc.db}"
done
# Payments locally: localstripe is stateful and sends signed webhooks to the gateway.
export LOCALSTRIPE_URL="${LOCALSTRIPE_URL:-http://127.0.0.1:${LOCALSTRIPE_PORT:-8420}}"
export STRIPE_API_BASE="${STRIPE_API_BASE:-$LOCALSTRIPE_URL}"
export STRIPE_API_KEY="${STRIPE_API_KEY:-sk_test_local}"
export STRIPE_WEBHOOK_SECRET="${STRIPE_WEBHOOK_SECRET:-whsec_local_development}"
curl -fsS -X POST "$LOCALSTRIPE_URL/_config/webhooks/clinic" \
    -d "url=http://127.0.0.1:$GATEWAY_PORT/webhooks/stripe" -d "secret=$STRIPE_WEBHOOK_SECRET" >/dev/null \
    || echo "up: could not register the webhook with localstripe (payments will not be confirmed)" >&2
uv run --frozen clinic-topics >/dev/null
bash deploy/local/services.sh start
bash deploy/local/web.sh build >&2
bash deploy/local/gateway.sh start >&2
api="http://127.0.0.1:$GATEWAY_PORT/api"
uv run --frozen python deploy/local/demo.py "$api"
cat <<MSG

The clinic platform is up.
  storefront      http://127.0.0.1:$GATEWAY_PORT/
  ops console     http://127.0.0.1:$GATEWAY_PORT/#/ops  (sign in with a development identity, roles ops + moderator)
  catalog API     $api/catalog/products          (docs: $api/catalog/docs)
  pricing API     $api/pricing/prices/TROCHE-30D-100
  cart API        $api/cart/                      (POST /carts)
  content API     $api/content/articles
  health          $api/<service>/healthz, /readyz, /metrics, /asyncapi.json
  logs            var/log/<service>-<n>.log (replica n, e.g. var/log/pricing-1.log)
Stop it all with: make down
MSG
