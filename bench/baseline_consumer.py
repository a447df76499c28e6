"""BASELINE ONLY, for bench/bench_messaging.py: the consumer policy as it was before the move to
FastStream (a hand-written aiokafka loop), kept unchanged apart from this note and its imports, so
that `make bench` measures before and after in the same run. Services never use it; it carries the
defects issue #9 fixed (outage classification, rewind through the broker, unknown types ignored).

The consumer policy, written once: every subscriber in every service runs through it.

For each message: decode the CloudEvent, then in ONE database transaction claim its id in the
inbox and run the handler (which may stage outbox events); commit; only then commit the offset.
A failing handler is retried with exponential backoff a bounded number of times; then the
message goes to `<topic>.dlq` with the error and its origin in headers, and the consumer goes on.
A message that cannot be decoded or validated goes to the DLQ at once (no retry can fix it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError
from aiokafka.structs import OffsetAndMetadata
from opentelemetry.trace import SpanKind
from pydantic import ValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import (
    AsyncRetrying,
    retry_if_not_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from clinic_shared.events.base import Event, utcnow
from clinic_shared.events.envelope import Envelope, EnvelopeError, decode
from clinic_shared.events.topics import dlq_of
from clinic_shared.messaging.inbox import claim
from clinic_shared.metrics import CONSUMER_LAG, CONSUMER_MESSAGES, CONSUMER_RETRIES, DLQ_MESSAGES
from clinic_shared.outbox.writer import add_event
from clinic_shared.telemetry import context_from_headers, tracer

log = logging.getLogger("clinic.consumer")


def new_consumer(bootstrap_servers: str, group_id: str, client_id: str, *topics: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics, bootstrap_servers=bootstrap_servers, group_id=group_id, client_id=client_id,
        enable_auto_commit=False, auto_offset_reset="earliest", isolation_level="read_committed",
        max_poll_records=100, session_timeout_ms=30000, heartbeat_interval_ms=3000,
    )


class PermanentError(Exception):
    """Raise from a handler when retrying cannot help: the message goes to the DLQ at once."""


@dataclass
class BaselineContext:
    """What a baseline handler gets besides the event: the transaction and a way to stage events (this
    frozen copy's own type, session, envelope, source: not clinic_shared's MessageContext, a Tx)."""

    session: AsyncSession
    envelope: Envelope
    source: str

    async def publish(self, event: Event, subject: str | None = None) -> str:
        return await add_event(self.session, event, source=self.source, subject=subject)


Handler = Callable[[BaselineContext, Event], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    """A named consumer (its own group and inbox) of some event types on one or more topics."""

    name: str
    handlers: dict[type[Event], Handler]

    @property
    def topics(self) -> list[str]:
        return sorted({cls.TOPIC for cls in self.handlers})


class EventConsumer:
    def __init__(
        self, *, service: str, subscription: Subscription, bootstrap_servers: str,
        sessions: async_sessionmaker[AsyncSession], producer: AIOKafkaProducer,
        topic_prefix: str = "", max_attempts: int = 4, backoff_seconds: float = 0.2,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.service = service
        self.name = f"{service}.{subscription.name}"
        self._handlers = {cls.TYPE: handler for cls, handler in subscription.handlers.items()}
        self._topics = [topic_prefix + t for t in subscription.topics]
        self._prefix = topic_prefix
        self._sessions = sessions
        self._producer = producer
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._on_commit = on_commit
        self._consumer = new_consumer(bootstrap_servers, topic_prefix + self.name, self.name, *self._topics)

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    async def run(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=500)
            for tp, records in batches.items():
                for record in records:
                    await self.handle_record(record)
                await self._commit(tp, records[-1].offset + 1)
                highwater = self._consumer.highwater(tp)
                if highwater is not None:
                    CONSUMER_LAG.labels(self.service, tp.topic, str(tp.partition)).set(
                        max(highwater - records[-1].offset - 1, 0)
                    )

    async def rewind(self) -> None:
        """Go back to the committed offsets: what was read but not committed is read again."""
        assigned = list(self._consumer.assignment())
        begin = await self._consumer.beginning_offsets(assigned) if assigned else {}
        for tp in assigned:
            committed = await self._consumer.committed(tp)
            self._consumer.seek(tp, committed if committed is not None else begin[tp])

    async def _commit(self, tp: TopicPartition, offset: int) -> None:
        try:
            await self._consumer.commit({tp: OffsetAndMetadata(offset, "")})
        except CommitFailedError:
            # A rebalance took the partition: its new owner re-reads, and the inbox drops duplicates.
            log.warning("offset commit failed after a rebalance", extra={"topic": tp.topic})

    async def handle_record(self, record: ConsumerRecord) -> str:
        """Process one record under the policy; returns the outcome (for metrics and tests)."""
        topic = record.topic
        try:
            envelope = decode(record.headers, record.key, record.value)
        except EnvelopeError as exc:
            return await self._dead_letter(record, exc)
        handler = self._handlers.get(envelope.type)
        if handler is None:
            CONSUMER_MESSAGES.labels(self.service, topic, "ignored").inc()
            return "ignored"
        try:
            event = envelope.event()
        except (ValidationError, EnvelopeError) as exc:
            return await self._dead_letter(record, exc)
        with tracer().start_as_current_span(
            f"{topic} process", context=context_from_headers(envelope.extra_headers), kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka", "messaging.destination.name": topic,
                "messaging.message.id": envelope.id, "messaging.consumer.group.name": self.name,
                "cloudevents.event_type": envelope.type,
            },
        ):
            try:
                outcome = await self._apply_with_retries(envelope, event, handler, topic)
            except (OperationalError, InterfaceError, OSError):
                # The database is down, not the message: do not dead-letter; the loop rewinds and waits.
                raise
            except Exception as exc:
                return await self._dead_letter(record, exc)
        CONSUMER_MESSAGES.labels(self.service, topic, outcome).inc()
        return outcome

    async def _apply_with_retries(self, envelope: Envelope, event: Event, handler: Handler, topic: str) -> str:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self._max_attempts),
            wait=wait_exponential(multiplier=self._backoff, max=5),
            # tenacity would catch a cancellation and retry it: stop() then waits forever on this task.
            retry=retry_if_not_exception_type((PermanentError, asyncio.CancelledError)),
            reraise=True,
        ):
            with attempt:
                if attempt.retry_state.attempt_number > 1:
                    CONSUMER_RETRIES.labels(self.service, topic).inc()
                async with self._sessions() as session, session.begin():
                    if not await claim(session, self.name, envelope.id, envelope.type):
                        return "duplicate"
                    await handler(BaselineContext(session, envelope, f"/{self.service}"), event)
                self._on_commit()
        return "processed"

    async def _dead_letter(self, record: ConsumerRecord, error: BaseException) -> str:
        dlq = dlq_of(record.topic)
        headers = [(k, v) for k, v in (record.headers or []) if not k.startswith("dlq_")]
        headers += [
            ("dlq_error", f"{type(error).__name__}: {error}"[:4000].encode()),
            ("dlq_origin_topic", record.topic.encode()),
            ("dlq_origin_partition", str(record.partition).encode()),
            ("dlq_origin_offset", str(record.offset).encode()),
            ("dlq_consumer", self.name.encode()),
            ("dlq_failed_at", utcnow().isoformat().encode()),
        ]
        log.error("message sent to the DLQ", extra={"topic": record.topic, "offset": record.offset,
                                                   "dlq": dlq, "error": type(error).__name__})
        async for attempt in AsyncRetrying(wait=wait_exponential(multiplier=0.2, max=5), reraise=True,
                                           retry=lambda s: isinstance(s.outcome.exception(), KafkaError)
                                           if s.outcome else False):
            with attempt:
                await self._producer.send_and_wait(dlq, value=record.value, key=record.key, headers=headers)
        DLQ_MESSAGES.labels(self.service, record.topic).inc()
        CONSUMER_MESSAGES.labels(self.service, record.topic, "dead_lettered").inc()
        return "dead_lettered"


async def run_forever(consumer: EventConsumer) -> None:
    """Run a consumer; a crash of the loop itself is logged and the loop restarted after a pause."""
    while True:
        try:
            await consumer.run()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("consumer loop crashed; rewinding and restarting", extra={"consumer": consumer.name})
            await asyncio.sleep(1)
            try:
                await consumer.rewind()
            except Exception:
                log.exception("rewind failed", extra={"consumer": consumer.name})
