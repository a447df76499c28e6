#!/usr/bin/env bash
# `make down`: stop the gateway, the services, and the real parts `make up` started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash deploy/local/gateway.sh stop >&2 || true
bash deploy/local/services.sh stop
bash deploy/local/stripe.sh stop >&2 || true
bash deploy/local/kafka.sh stop >&2 || true
echo "down: stopped" >&2
