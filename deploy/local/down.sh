#!/usr/bin/env bash
# `make down`: stop the gateway, the services, and the real parts `make up` started (each part's
# script stops what this checkout started, even when its pid file was lost). Every part is asked to
# stop even when one fails; the exit status says whether all did.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
failed=()
bash deploy/local/gateway.sh stop >&2 || failed+=(gateway)
bash deploy/local/services.sh stop >&2 || failed+=(services)
bash deploy/local/stripe.sh stop >&2 || failed+=(stripe)
bash deploy/local/kafka.sh stop >&2 || failed+=(kafka)
if ((${#failed[@]})); then
    echo "down: could not stop: ${failed[*]} (see above)" >&2
    exit 1
fi
echo "down: stopped" >&2
