from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from catalog.bootstrap import create_app
from catalog.settings import CatalogSettings
from clinic_shared.db import upgrade_async
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import running, service_test_settings

SERVICE_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture
async def catalog_settings(infra: Infra, pg_url: str, topic_prefix: str) -> CatalogSettings:
    await upgrade_async(SERVICE_DIR, pg_url)  # the real migrations, on a fresh PostgreSQL database
    return CatalogSettings(**service_test_settings(infra, pg_url, topic_prefix))


@pytest.fixture
async def catalog(catalog_settings: CatalogSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(catalog_settings)) as client:
        yield client
