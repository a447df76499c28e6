"""The pytest plugin every test suite here uses (loaded from the root conftest.py)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from clinic_shared.messaging.kafka import partitions_of
from clinic_shared.testing.infra import Infra, InfraError, discover

_EXPORTER = InMemorySpanExporter()


def pytest_configure(config: pytest.Config) -> None:
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
        trace.set_tracer_provider(provider)


@pytest.fixture(scope="session")
def infra(pytestconfig: pytest.Config) -> Infra:
    try:
        return discover(Path(pytestconfig.rootpath))
    except InfraError as exc:
        pytest.fail(f"A real part could not be had, so these tests cannot run:\n{exc}", pytrace=False)


@pytest.fixture
def spans() -> InMemorySpanExporter:
    _EXPORTER.clear()
    return _EXPORTER


@pytest.fixture
async def pg_url(infra: Infra) -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    conn = await asyncpg.connect(infra.pg_admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    yield infra.database_url(name)
    conn = await asyncpg.connect(infra.pg_admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture
async def topic_prefix(infra: Infra) -> AsyncIterator[str]:
    """A unique topic prefix for one test; its topics are deleted afterwards."""
    prefix = f"t{uuid.uuid4().hex[:10]}."
    yield prefix
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka)
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if mine:
            await admin.delete_topics(mine)
    except Exception:  # best effort: a leftover topic only costs disk in var/
        pass
    finally:
        await admin.close()


async def read_topic(bootstrap: str, topic: str, *, expect: int, timeout: float = 20.0) -> list[ConsumerRecord]:
    """Read a topic from the beginning until `expect` records arrived or `timeout` passed.

    Returns what arrived (more than `expect` if more is there after a short settle), so a test can
    assert exact counts: a missing event shows up as too few, a doubled one as too many.
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                isolation_level="read_committed", auto_offset_reset="earliest")
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        tps: list[TopicPartition] = []
        while not tps and loop.time() < deadline:
            tps = [TopicPartition(topic, p) for p in await partitions_of(consumer, topic)]
            if not tps:
                await asyncio.sleep(0.2)
        if not tps:
            return records
        consumer.assign(tps)
        for tp, offset in (await consumer.beginning_offsets(tps)).items():
            consumer.seek(tp, offset)  # explicit: seek_to_beginning() only schedules a reset
        settle_until: float | None = None
        while loop.time() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for recs in batch.values():
                records.extend(recs)
            if len(records) >= expect:
                settle_until = settle_until or loop.time() + 0.5
                if loop.time() >= settle_until:
                    break
    finally:
        await consumer.stop()
    return records


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run an app's lifespan (its runtime: engine, producer, relay, consumers) and talk to it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


async def eventually(check: Any, timeout: float = 15.0, interval: float = 0.1) -> Any:
    """Await `check()` until it returns a truthy value; fail with the last value after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: Any = None
    while loop.time() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")


TEST_SECRET = "test-secret-for-jwt-signing-only"


def auth_headers(sub: str, *roles: str, secret: str = TEST_SECRET) -> dict[str, str]:
    """A bearer token header for a test user (roles: customer, editor, moderator, ops)."""
    from clinic_shared.auth import issue_token

    return {"Authorization": f"Bearer {issue_token(secret, sub, list(roles))}"}


def service_test_settings(infra: Infra, database_url: str, prefix: str) -> dict[str, Any]:
    """Settings every service test uses: the real broker and database, a unique topic prefix."""
    return {
        "database_url": database_url, "kafka_bootstrap_servers": infra.kafka, "kafka_topic_prefix": prefix,
        "environment": "test", "auth_jwt_secret": TEST_SECRET, "outbox_poll_interval": 0.2,
        "consumer_max_attempts": 3, "consumer_backoff_seconds": 0.05, "kafka_topic_partitions": 1,
    }
