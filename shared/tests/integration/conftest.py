from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.infra import Infra

from .notes_service import metadata


@pytest.fixture
async def notes_settings(infra: Infra, pg_url: str, topic_prefix: str) -> ServiceSettings:
    engine = create_async_engine(pg_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    await engine.dispose()
    return ServiceSettings(
        database_url=pg_url, kafka_bootstrap_servers=infra.kafka, kafka_topic_prefix=topic_prefix,
        environment="test", consumer_max_attempts=3, consumer_backoff_seconds=0.01, outbox_poll_interval=0.2,
    )
