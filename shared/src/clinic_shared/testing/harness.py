"""The test harness, written once: send a CloudEvent to a test's topics (`emit`), run a handler
through the real consumer policy without Kafka (`deliver`), and a service's settings and client
fixtures (`service_client`).

Events go as the outbox relay sends them: CloudEvents in the Kafka binary mode (`ce_*` headers,
the JSON data as the value, keyed by the event's aggregate), see clinic_shared.events.envelope.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import httpx
import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clinic_shared.db import upgrade_async
from clinic_shared.events.base import Event
from clinic_shared.events.envelope import Headers, ce_headers, encode_data
from clinic_shared.messaging.policy import ConsumerPolicy
from clinic_shared.messaging.subscription import Subscription
from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import running, service_test_settings

SOURCE = "/test"
S = TypeVar("S", bound=ServiceSettings)


# -- sending -----------------------------------------------------------------------------------------
def event_headers(event: Event, *, event_id: str, event_type: str | None = None) -> Headers:
    """The CloudEvent headers of `event` (its type unless `event_type` says another one)."""
    return ce_headers(event_id=event_id, event_type=event_type or event.TYPE, source=SOURCE, time=event.occurred_at,
                      subject=None)


@asynccontextmanager
async def producing(settings: ServiceSettings) -> AsyncIterator[AIOKafkaProducer]:
    """A started producer on the test's broker, for a test that sends several records in a row."""
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


async def emit(settings: ServiceSettings, event: Event, *, producer: AIOKafkaProducer | None = None,
               event_id: str | None = None, event_type: str | None = None, value: bytes | None = None,
               times: int = 1) -> str:
    """Send `event` as another service's outbox would, on the test's topic (`settings.kafka_topic_prefix`
    + its topic), and return its CloudEvent id.

    `times` sends the same id again (a redelivery); `event_type` and `value` replace the header and
    the body, for records a consumer must refuse. Without `producer` it opens its own for the call.
    """
    event_id = event_id or str(uuid.uuid4())
    headers = event_headers(event, event_id=event_id, event_type=event_type)
    body = encode_data(event) if value is None else value
    topic = settings.kafka_topic_prefix + event.TOPIC
    if producer is None:
        async with producing(settings) as own:
            for _ in range(times):
                await own.send_and_wait(topic, value=body, key=event.kafka_key.encode(), headers=headers)
    else:
        for _ in range(times):
            await producer.send_and_wait(topic, value=body, key=event.kafka_key.encode(), headers=headers)
    return event_id


# -- delivering without Kafka ------------------------------------------------------------------------
class RecordingProducer:
    """Stands in for the runtime's producer under the policy: keeps what it dead-letters."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, bytes]]] = []

    async def send_and_wait(self, topic: str, value: Any = None, key: Any = None, headers: Any = None) -> None:
        self.sent.append((topic, dict(headers or [])))


def consumer_record(event: Event, *, topic: str | None = None, event_id: str | None = None,
                    event_type: str | None = None, value: bytes | None = None, offset: int = 0) -> ConsumerRecord:
    """The record a consumer would poll for `event`: our headers, its key, its JSON data."""
    key = event.kafka_key.encode()
    body = encode_data(event) if value is None else value
    return ConsumerRecord(
        topic=topic or event.TOPIC, partition=0, offset=offset, timestamp=0, timestamp_type=0, key=key, value=body,
        checksum=None, serialized_key_size=len(key), serialized_value_size=len(body),
        headers=event_headers(event, event_id=event_id or str(uuid.uuid4()), event_type=event_type))


async def deliver(to: Subscription | ConsumerPolicy, event: Event, *,
                  sessions: async_sessionmaker[AsyncSession] | None = None, service: str = "test",
                  producer: Any = None, event_id: str | None = None, event_type: str | None = None,
                  value: bytes | None = None) -> str:
    """Run `event` through the real ConsumerPolicy (decode, inbox claim, handler, retries, DLQ) in
    the database of `sessions`, without Kafka; return the outcome: "processed", "duplicate",
    "ignored", "dead_lettered", ...

    `to` is a subscription (a policy is made for it with the service's name, `sessions` and
    `producer`, by default one that only records dead letters) or a policy made by the test.
    The same `event_id` twice is a redelivery. An outage raises, as it does in the policy."""
    if isinstance(to, ConsumerPolicy):
        policy = to
    else:
        if sessions is None:
            raise TypeError("deliver(subscription, ...) needs the service's sessions")
        policy = ConsumerPolicy(service=service, subscription=to, sessions=sessions,
                                producer=producer or RecordingProducer(), max_attempts=3, backoff_seconds=0.01)
    prefix = policy.group_id.removesuffix(policy.name)  # the policy's topic prefix, if it was made with one
    record = consumer_record(event, topic=prefix + event.TOPIC, event_id=event_id, event_type=event_type, value=value)
    return await policy.handle_record(record)


# -- a service's fixtures ----------------------------------------------------------------------------
class ServiceFixtures(NamedTuple):
    settings: Any
    client: Any


def service_client(name: str, settings_class: type[S], create_app: Callable[[S], FastAPI], service_dir: Path, *,
                   extra: Mapping[str, Any] | Callable[[Infra], Mapping[str, Any]] | None = None,
                   ) -> ServiceFixtures:
    """The two fixtures of a service's tests: `<name>_settings` (the real migrations on a fresh
    PostgreSQL database, the real broker, the test's topic prefix, plus `extra` settings) and
    `<name>` (the app running with its consumers and relay, and an HTTP client to it).

        catalog_settings, catalog = service_client("catalog", CatalogSettings, create_app, SERVICE_DIR)
    """

    @pytest.fixture(name=f"{name}_settings")
    async def settings_fixture(infra: Infra, pg_url: str, topic_prefix: str) -> S:
        more = extra(infra) if callable(extra) else extra or {}
        await upgrade_async(service_dir, pg_url)  # the real migrations, on a fresh PostgreSQL database
        return settings_class(**service_test_settings(infra, pg_url, topic_prefix), **more)

    async def client_fixture(**fixtures: S) -> AsyncIterator[httpx.AsyncClient]:
        async with running(create_app(fixtures[f"{name}_settings"])) as client:
            yield client

    # pytest reads the fixtures a fixture needs from its signature: this one needs `<name>_settings`.
    client_fixture.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(f"{name}_settings", inspect.Parameter.KEYWORD_ONLY)])
    return ServiceFixtures(settings_fixture, pytest.fixture(name=name)(client_fixture))
