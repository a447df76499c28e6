# The way in. `make up` runs the platform locally; `make test` runs every test against the real parts.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PROJECT_ENVIRONMENT ?= .venv

.PHONY: help deps up down test chaos lint infra infra-down bench schemas web client

help:
	@echo "make up          set up what is missing and run the whole platform locally (gateway on :8080)"
	@echo "make down        stop it all"
	@echo "make test        start (or reuse) Kafka, PostgreSQL and the Stripe mocks, then run every test"
	@echo "make infra       only the real parts, printing the environment variables to use"
	@echo "make infra-down  stop the real parts"
	@echo "make chaos       the long fault harness (every fault, 45 s broker outage) on private Kafka/PostgreSQL"
	@echo "make bench       the benchmarks (table on stdout, JSON under var/bench/)"
	@echo "make web         build the storefront (web/dist) when missing or stale"
	@echo "make client      regenerate clients/typescript from the services' OpenAPI documents"
	@echo "make schemas     re-export the event JSON Schemas (shared/schemas/) and docs/events.md"
	@echo "make lint        the static checks alone (ruff, import-linter, mypy, shellcheck)"

deps:
	@bash deploy/local/deps.sh

up: deps
	@bash deploy/local/up.sh

down:
	@bash deploy/local/down.sh

infra: deps
	@bash deploy/local/infra.sh up

infra-down:
	@bash deploy/local/infra.sh down

lint: deps
	@bash deploy/local/lint.sh

test: deps
	@bash deploy/local/test.sh

# The long form of tests/chaos/test_harness.py (`make test` runs its bounded form); figures in var/chaos/.
chaos: deps
	@CHAOS_LONG=1 bash deploy/local/test.sh tests/chaos/test_harness.py -q

bench: deps
	@bash deploy/local/bench.sh

schemas: deps
	uv run --frozen python -m clinic_shared.events.schemas
	uv run --frozen python -m clinic_shared.events.docs

web:
	@bash deploy/local/web.sh build

client: deps
	uv run --frozen python clients/typescript/scripts/dump_openapi.py clients/typescript/openapi
	cd clients/typescript && node scripts/generate.mjs
