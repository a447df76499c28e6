"""Pricing on real PostgreSQL and Kafka: a fresh database and topic prefix per test, the app running
with its consumers and expiry job, and a `world` that sets up what a price-match test needs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from clinic_shared.db import upgrade_async
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import running, service_test_settings
from pricing.bootstrap import create_app
from pricing.settings import PricingSettings

from .world import World

SERVICE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
async def pricing_settings(infra: Infra, pg_url: str, topic_prefix: str) -> PricingSettings:
    await upgrade_async(SERVICE_DIR, pg_url)  # the real migrations, on a fresh PostgreSQL database
    return PricingSettings(**service_test_settings(infra, pg_url, topic_prefix),
                           expiry_interval_seconds=0.2, expiry_grace_seconds=0)


@pytest.fixture
async def pricing(pricing_settings: PricingSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(pricing_settings)) as client:
        yield client


@pytest.fixture
def world(pricing: httpx.AsyncClient, pricing_settings: PricingSettings) -> World:
    return World(pricing, pricing_settings)
