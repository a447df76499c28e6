"""Pricing on real PostgreSQL and Kafka: a fresh database and topic prefix per test, the app running
with its consumers and expiry job, and a `world` that sets up what a price-match test needs."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from clinic_shared.testing.harness import service_client
from pricing.bootstrap import create_app
from pricing.settings import PricingSettings

from .world import World

SERVICE_DIR = Path(__file__).resolve().parents[2]

pricing_settings, pricing = service_client("pricing", PricingSettings, create_app, SERVICE_DIR,
                                           extra={"expiry_interval_seconds": 0.2, "expiry_grace_seconds": 0})


@pytest.fixture
def world(pricing: httpx.AsyncClient, pricing_settings: PricingSettings) -> World:
    return World(pricing, pricing_settings)
