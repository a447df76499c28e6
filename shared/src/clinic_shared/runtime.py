"""A service's running parts, built by a factory and started in the app's lifespan (never at import).

The runtime owns the database engine, the Kafka producer, the outbox relay and the consumers, and
gives use cases the one way to change state: `async with runtime.transaction() as tx`. The use case
hands the aggregates it changes to `tx.track(...)`; at the end of the block their recorded domain
events go through the service's mapper into the outbox, before the commit, and the relay is woken
right after it (`clinic_shared.outbox.mapper`: the one rule for emitting events).

`ServiceRuntime[S]` is typed by the service's settings class: `runtime.settings` is a `CartSettings`
in the cart, with no cast.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from typing import Any, Generic, TypeVar

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

from clinic_shared import db
from clinic_shared.events.base import Event
from clinic_shared.logs import configure_logging
from clinic_shared.messaging.kafka import ensure_topics, new_broker, new_producer, with_dlqs
from clinic_shared.messaging.policy import ConsumerPolicy, consumer_checks, start_in_background
from clinic_shared.messaging.subscription import Subscription
from clinic_shared.outbox.mapper import EventMapper
from clinic_shared.outbox.relay import OutboxRelay
from clinic_shared.outbox.retention import run_pruner
from clinic_shared.outbox.writer import Tx
from clinic_shared.settings import ServiceSettings
from clinic_shared.telemetry import setup_tracing

log = logging.getLogger("clinic.runtime")


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)
BackgroundJob = Callable[["ServiceRuntime[Any]"], Awaitable[None]]


class ServiceRuntime(Generic[SettingsT]):
    def __init__(
        self, *, service: str, settings: SettingsT, publishes: Sequence[type[Event]] = (),
        subscriptions: Sequence[Subscription] = (), background: Sequence[BackgroundJob] = (),
        mapper: EventMapper | None = None,
    ) -> None:
        self.service = service
        self.settings: SettingsT = settings
        self.publishes = list(publishes)
        # The service's one mapper (domain event -> contract, subject), for its use cases and handlers.
        self.mapper = mapper
        self.subscriptions = [s.bind(mapper) if mapper is not None else s for s in subscriptions]
        self._background = list(background)
        self._tasks: list[asyncio.Task[None]] = []
        self.consumers: list[ConsumerPolicy] = []
        self._broker: KafkaBroker | None = None
        self._engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self._producer: AIOKafkaProducer | None = None
        self._relay: OutboxRelay | None = None

    # -- parts, available once started --------------------------------------------------------
    @property
    def engine(self) -> AsyncEngine:
        assert self._engine is not None, "runtime not started"
        return self._engine

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        assert self._sessions is not None, "runtime not started"
        return self._sessions

    @property
    def relay(self) -> OutboxRelay:
        assert self._relay is not None, "runtime not started"
        return self._relay

    @property
    def producer(self) -> AIOKafkaProducer:
        assert self._producer is not None, "runtime not started"
        return self._producer

    def topics(self) -> list[str]:
        published = [cls.TOPIC for cls in self.publishes]
        consumed = [t for s in self.subscriptions for t in s.topics]
        return [self.settings.kafka_topic_prefix + t for t in dict.fromkeys([*published, *with_dlqs(consumed)])]

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        s = self.settings
        configure_logging(self.service, s.log_level)
        setup_tracing(self.service)
        self._engine = db.create_engine(s.database_url)
        # instrument() is once per process; each runtime's engine needs its own tracer (tests run several).
        SQLAlchemyInstrumentor()._instrument(engine=self._engine.sync_engine)
        self._sessions = db.sessionmaker(self._engine)
        async for attempt in AsyncRetrying(stop=stop_after_delay(60), wait=wait_exponential(0.5, max=5),
                                           retry=retry_if_exception_type(Exception), reraise=True):
            with attempt:
                await ensure_topics(s.kafka_bootstrap_servers, self.topics(), s.kafka_topic_partitions,
                                    replication_factor=s.kafka_replication_factor,
                                    min_insync_replicas=s.kafka_min_insync_replicas)
        self._producer = new_producer(s.kafka_bootstrap_servers, self.service)
        await self._producer.start()
        self._relay = self._new_relay()
        await self._relay.start()
        self._spawn(self._relay.run())
        self._spawn(self._relay.run_observer())
        self._spawn(run_pruner(self._sessions, service=self.service, outbox_retention=s.outbox_retention,
                               inbox_retention=s.inbox_retention, interval=s.retention_interval))
        if s.run_consumers and self.subscriptions:
            self._start_consumers()
        for job in self._background:
            self._spawn(job(self))
        log.info("service started", extra={"topics": self.topics()})

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            # Bounded: a task that swallows its cancellation must not keep the process from stopping.
            _, stuck = await asyncio.wait(self._tasks, timeout=10)
            for task in stuck:
                log.error("a background task did not stop within 10 s", extra={"task": task.get_name()})
        self._tasks.clear()
        if self._broker is not None:
            with suppress(Exception):
                await self._broker.stop()
            self._broker = None
        self.consumers.clear()
        if self._relay is not None:
            with suppress(Exception):
                await self._relay.close()
        if self._producer is not None:
            with suppress(Exception):
                await self._producer.stop()
        if self._engine is not None:
            await self._engine.dispose()

    def _new_relay(self) -> OutboxRelay:
        """The relay owns its producer (it recreates it when it wedges); the consumers keep theirs."""
        s = self.settings
        return OutboxRelay(
            service=self.service, sessions=self.sessions, engine=self.engine,
            producer_factory=lambda: new_producer(s.kafka_bootstrap_servers, f"{self.service}-outbox"),
            topics=[cls.TOPIC for cls in self.publishes], topic_prefix=s.kafka_topic_prefix,
            poll_interval=s.outbox_poll_interval, send_timeout=s.outbox_send_timeout,
            max_attempts=s.outbox_max_attempts, lease_seconds=s.outbox_lease_seconds,
            stuck_after=s.outbox_stuck_after,
        )

    def _relay_readiness(self, checks: dict[str, str]) -> None:
        """The relay's part of /readyz: not ready while the leader is stuck (a wedged producer, a
        broker that takes rows but never acknowledges) or its loop stopped turning."""
        checks["outbox_relay"] = self._relay.readiness() if self._relay is not None else "not started"

    def _start_consumers(self) -> None:
        """Every subscription through the one consumer policy, on one FastStream broker. The broker
        starts in the background: HTTP is served while the consumer groups are joined."""
        s = self.settings
        self._broker = new_broker(s, self.service)
        for sub in self.subscriptions:
            policy = ConsumerPolicy(
                service=self.service, subscription=sub, sessions=self.sessions, producer=self.producer,
                topic_prefix=s.kafka_topic_prefix, max_attempts=s.consumer_max_attempts,
                backoff_seconds=s.consumer_backoff_seconds, on_commit=self.relay.notify,
                batch_transaction=s.consumer_batch_transaction,
            )
            policy.register(self._broker, s)
            self.consumers.append(policy)
        self._spawn(start_in_background(self._broker, self.consumers))

    def _spawn(self, coro: Awaitable[None]) -> None:
        self._tasks.append(asyncio.ensure_future(coro))

    # -- use -------------------------------------------------------------------------------------
    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self.sessions() as session, session.begin():
            tx = Tx(session, f"/{self.service}", mapper=self.mapper)
            yield tx
            await tx.publish_recorded()  # the end of the use case: its events, in its transaction
        self.relay.notify()

    async def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            async with self.sessions() as session:
                await asyncio.wait_for(session.execute(text("SELECT 1")), 5)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unreachable: {type(exc).__name__}"
        try:
            await asyncio.wait_for(self.producer.client.fetch_all_metadata(), 5)
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"unreachable: {type(exc).__name__}"
        self._relay_readiness(checks)
        checks.update(consumer_checks(self.consumers, self.settings.consumer_stuck_seconds))
        return checks
