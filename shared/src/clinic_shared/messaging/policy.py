"""The consumer policy, written once: every subscriber in every service is registered through it.

A subscription becomes one FastStream batch subscriber (its own consumer group) with
AckPolicy.MANUAL. For each polled batch, record by record:

- decode the CloudEvent; a record that cannot be read, or whose type the subscription neither
  handles nor declares ignored, goes to the DLQ with the reason (no retry can fix it);
- a replayed dead letter meant for another group is skipped;
- otherwise claim the event id in the inbox and run the typed handler (which may stage outbox
  events) in the same database transaction as its effect. On PostgreSQL the records of a batch
  share ONE transaction, each in its own SAVEPOINT: a handler that fails is rolled back to its
  savepoint, the records before it are committed, and it is retried alone (exponential backoff, a
  bounded number of times) and then dead-lettered to `<topic>.dlq` with its origin in headers;
  the rest of the batch goes on in a new transaction. A record to dead-letter also commits the
  records before it first, so a dead letter is never sent for a batch that may still roll back.
  On SQLite (one process, whose driver cannot nest a savepoint in a deferred transaction) every
  record has its own transaction;
- the database being away is never the message's fault: on an outage (see `outages`), or when
  the database does not answer the check made before any dead letter, the batch stops, every
  partition is rewound to its first unconfirmed record (local seek, no broker call) and the
  subscriber waits until the database answers;
- a dead letter the broker refuses for good is parked in the database and its partition paused.

Then the batch's offsets are committed once, explicitly, never past a record whose effect or
dead letter is not confirmed. FastStream's own parser and ack are bypassed on purpose: its
`ack()` commits every consumed position and a parse error under MANUAL is silently skipped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from contextlib import suppress as _suppress_ctx
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from aiokafka.structs import OffsetAndMetadata
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.message import FAKE_CONSUMER, KafkaMessage
from opentelemetry.trace import SpanKind
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from clinic_shared.events.base import Event, utcnow
from clinic_shared.events.envelope import Envelope, EnvelopeError, decode
from clinic_shared.events.topics import dlq_of
from clinic_shared.messaging.inbox import claim, claim_many, unclaim
from clinic_shared.messaging.kafka import subscriber_options
from clinic_shared.messaging.outages import database_answers, is_outage
from clinic_shared.messaging.parking import park
from clinic_shared.messaging.subscription import Handler, MessageContext, PermanentError, Subscription
from clinic_shared.metrics import (
    CONSUMER_HEARTBEAT_AGE,
    CONSUMER_LAG,
    CONSUMER_LAST_BATCH,
    CONSUMER_MESSAGES,
    CONSUMER_RETRIES,
    CONSUMER_STUCK,
    DLQ_MESSAGES,
    DLQ_PARKED,
)
from clinic_shared.settings import ServiceSettings
from clinic_shared.telemetry import context_from_headers, tracer

log = logging.getLogger("clinic.consumer")

# A replayed dead letter carries the group it is meant for; other groups skip it.
REPLAY_GROUP_HEADER = "clinic_replay_group"


class Outage(Exception):
    """The database (or the broker, for a dead letter) cannot be reached: rewind and wait."""


class Producer:
    """What the policy needs to write dead letters (an AIOKafkaProducer, or a fake in unit tests)."""

    async def send_and_wait(self, topic: str, value: bytes | None = None, key: bytes | None = None,
                            headers: list[tuple[str, bytes]] | None = None) -> Any: ...


# What reading a record gives: an outcome needing no handler, the reason to dead-letter it, or the
# envelope, the typed event and its handler.
_Read = str | BaseException | tuple[Envelope, Event, Handler]


class ConsumerPolicy:
    """One subscription's consumer: its group, its handlers, its health."""

    def __init__(
        self, *, service: str, subscription: Subscription, sessions: async_sessionmaker[AsyncSession],
        producer: Any, topic_prefix: str = "", max_attempts: int = 4, backoff_seconds: float = 0.2,
        dlq_attempts: int = 5, dlq_timeout: float = 30.0, outage_backoff_max: float = 5.0,
        on_commit: Callable[[], None] = lambda: None, batch_transaction: bool = True,
    ) -> None:
        self.service = service
        self.name = f"{service}.{subscription.name}"
        self.group_id = topic_prefix + self.name
        self.subscription = subscription
        self.topics = [topic_prefix + t for t in subscription.topics]
        self._handlers: dict[str, tuple[type[Event], Handler]] = {
            cls.TYPE: (cls, h) for cls, h in subscription.handlers.items()}
        self._sessions = sessions
        self._producer = producer
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._dlq_attempts = dlq_attempts
        self._dlq_timeout = dlq_timeout
        self._outage_backoff_max = outage_backoff_max
        self._on_commit = on_commit
        # One transaction per batch needs real savepoints: PostgreSQL's (docs/decisions/0015).
        bind = getattr(sessions, "kw", {}).get("bind")
        self.batch_transaction = batch_transaction and getattr(
            getattr(bind, "dialect", None), "name", None) == "postgresql"
        # Health: when the loop last finished a batch, since when it is inside one, and why it waits.
        self.started = False
        self.last_batch_at = time.monotonic()
        self.busy_since: float | None = None
        self.waiting_for: str | None = None
        self.paused: set[TopicPartition] = set()
        self._stuck_after = 120.0

    # -- registration ---------------------------------------------------------------------------
    def register(self, broker: KafkaBroker, settings: ServiceSettings) -> None:
        """Declare this subscription as a FastStream batch subscriber on `broker`."""

        subscriber = broker.subscriber(
            *self.topics, group_id=self.group_id, batch=True, ack_policy=AckPolicy.MANUAL,
            parser=_raw_batch, decoder=_the_message, **subscriber_options(settings),
        )

        async def consume(message: KafkaMessage) -> None:
            # The broker runs without FastDepends (apply_types=False): the decoder's result, the
            # message itself, is the only argument.
            # No consumer under TestKafkaBroker (in-memory, for fast handler tests): nothing to commit.
            await self.process_batch(message.raw_message, subscriber.consumer or _InMemory())

        consume.__name__ = consume.__qualname__ = f"consume_{self.name.replace('.', '_').replace('-', '_')}"
        subscriber(consume)
        self._subscriber = subscriber
        # Read at every scrape of /metrics, not only when /readyz is asked.
        self._stuck_after = settings.consumer_stuck_seconds
        CONSUMER_HEARTBEAT_AGE.labels(self.service, self.name).set_function(self.heartbeat_age)
        CONSUMER_STUCK.labels(self.service, self.name).set_function(lambda: float(self.is_stuck()))

    # -- a batch ----------------------------------------------------------------------------------
    async def process_batch(self, records: tuple[ConsumerRecord, ...] | list[ConsumerRecord] | ConsumerRecord,
                            consumer: Any) -> None:
        batch = tuple(records) if isinstance(records, tuple | list) else (records,)
        self.busy_since = time.monotonic()
        first: dict[TopicPartition, int] = {}
        done: dict[TopicPartition, int] = {}
        for r in batch:
            first.setdefault(TopicPartition(r.topic, r.partition), r.offset)
        stopped: set[TopicPartition] = set()
        segment = _Segment(self) if self.batch_transaction else None
        try:
            # Reading a record (decoding, validating) touches nothing: done once, up front, so that a
            # segment can claim the inbox ids of the records ahead of it in one statement.
            reads = [self._read(r) for r in batch] if segment is not None else []
            for index, record in enumerate(batch):
                tp = TopicPartition(record.topic, record.partition)
                if tp in stopped or tp in self.paused:
                    continue
                try:
                    if segment is None:
                        await self.handle_record(record)
                        done[tp] = record.offset + 1
                    else:
                        await self._handle_in_segment(segment, record, reads, index, done)
                except _Parked:
                    stopped.add(tp)
                    await self._pause(consumer, tp, record.offset)
                    continue
            if segment is not None:
                await segment.commit(done)
        except (Outage, Exception) as exc:
            # An outage, or a fault of the policy itself: never go on past unconfirmed records. The
            # open segment rolls back; its records are read again (the inbox keeps them once).
            if segment is not None:
                await segment.abandon()  # before waiting: release its connection and its locks
            if not isinstance(exc, Outage):
                log.exception("consumer policy failed on a batch; rewinding", extra={"consumer": self.name})
            await self._commit(consumer, done)
            await self.rewind(consumer, {tp: done.get(tp, off) for tp, off in first.items()})
            await self._wait_for_database()
            return
        finally:
            self.busy_since = None
            if segment is not None:
                await segment.abandon()
        await self._commit(consumer, done)
        self.last_batch_at = time.monotonic()
        CONSUMER_LAST_BATCH.labels(self.service, self.name).set(time.time())
        for tp, offset in done.items():
            highwater = consumer.highwater(tp)
            if highwater is not None:
                CONSUMER_LAG.labels(self.service, tp.topic, str(tp.partition)).set(max(highwater - offset, 0))

    async def rewind(self, consumer: AIOKafkaConsumer, positions: dict[TopicPartition, int]) -> None:
        """Seek each partition back to its first unconfirmed record of the batch: local state, no
        broker call. Retried until it succeeds (or the task is cancelled): resuming after a failed
        rewind would let the next commit skip records."""
        delay = 0.1
        while True:
            try:
                for tp, offset in positions.items():
                    try:
                        consumer.seek(tp, offset)
                    except IllegalStateError:
                        # No longer assigned (a rebalance): its new owner starts from the committed
                        # offset, which never passes an unconfirmed record.
                        pass
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("rewind failed; retrying", extra={"consumer": self.name})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _commit(self, consumer: AIOKafkaConsumer, offsets: dict[TopicPartition, int]) -> None:
        if not offsets:
            return
        try:
            await consumer.commit({tp: OffsetAndMetadata(o, "") for tp, o in offsets.items()})
        except CommitFailedError:
            # A rebalance took the partition: its new owner re-reads, and the inbox drops duplicates.
            log.warning("offset commit failed after a rebalance", extra={"consumer": self.name})
        except KafkaError:
            # The broker is away: the records are re-read later and the inbox drops duplicates.
            log.warning("offset commit failed", extra={"consumer": self.name}, exc_info=True)

    async def _wait_for_database(self) -> None:
        self.waiting_for = "database"
        delay = 0.2
        try:
            while not await database_answers(self._sessions):
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._outage_backoff_max)
        finally:
            self.waiting_for = None

    async def _pause(self, consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> None:
        self.paused.add(tp)
        try:
            consumer.seek(tp, offset)
            consumer.pause(tp)
        except IllegalStateError:
            self.paused.discard(tp)

    # -- a record ---------------------------------------------------------------------------------
    async def handle_record(self, record: ConsumerRecord) -> str:
        """Process one record under the policy, in a transaction of its own; returns the outcome
        (for metrics and tests). Raises Outage when the record must be read again once the
        database answers."""
        topic = record.topic
        read = self._read(record)
        if isinstance(read, str):
            return self._count(topic, read)
        if isinstance(read, BaseException):
            return await self._dead_letter(record, read)
        envelope, event, handler = read
        with self._span(topic, envelope):
            return await self._apply_alone(record, envelope, event, handler)

    async def _apply_alone(self, record: ConsumerRecord, envelope: Envelope, event: Event, handler: Handler, *,
                           failed: Exception | None = None) -> str:
        """Apply the record in transactions of its own, retried with backoff, else dead-letter it;
        returns the outcome (counted). `failed`: its first attempt already failed (in a batch's
        savepoint), which counts as attempt 1."""
        topic = record.topic
        try:
            if failed is None:
                outcome = await self._apply_with_retries(envelope, event, handler, topic)
            elif not _retriable(failed) or self._max_attempts <= 1:
                raise failed
            else:
                CONSUMER_RETRIES.labels(self.service, topic).inc()
                await asyncio.sleep(self._backoff)
                outcome = await self._apply_with_retries(envelope, event, handler, topic,
                                                         attempts=self._max_attempts - 1, retried=True)
        except Exception as exc:
            if is_outage(exc):
                raise Outage(str(exc)) from exc
            return await self._dead_letter(record, exc)
        return self._count(topic, outcome)

    async def _handle_in_segment(self, segment: _Segment, record: ConsumerRecord, reads: list[_Read],
                                 index: int, done: dict[TopicPartition, int]) -> None:
        """Process one record inside the batch's open transaction (a savepoint of its own). Whatever
        cannot stay in it (a dead letter, a failed handler's retries) first commits the records
        before it, then runs alone, as `handle_record` does."""
        topic, tp = record.topic, TopicPartition(record.topic, record.partition)
        read = reads[index]
        if isinstance(read, str):
            segment.confirm(tp, record.offset + 1, topic, read)
            return
        if isinstance(read, BaseException):
            await segment.commit(done)
            await self._dead_letter(record, read)
            done[tp] = record.offset + 1
            return
        envelope, event, handler = read
        with self._span(topic, envelope):
            try:
                outcome = await segment.apply(envelope, event, handler, reads=reads, index=index)
            except Exception as exc:
                if is_outage(exc):
                    raise Outage(str(exc)) from exc
                # Rolled back to its savepoint: commit the records before it, then this one alone.
                await segment.commit(done)
                await self._apply_alone(record, envelope, event, handler, failed=exc)
                done[tp] = record.offset + 1
                return
        segment.confirm(tp, record.offset + 1, topic, outcome)

    def _read(self, record: ConsumerRecord) -> _Read:
        """What to do with a record: an outcome needing no handler ("ignored", ...), the reason to
        dead-letter it, or the envelope, the typed event and its handler."""
        # Before decoding: an unreadable replayed letter meant for another group is not ours to judge.
        target = next((v for k, v in record.headers or [] if k == REPLAY_GROUP_HEADER), None)
        if target is not None and target != self.name.encode():
            return "replay_for_other_group"
        try:
            envelope = decode(record.headers, record.key, record.value)
        except EnvelopeError as exc:
            return exc
        found = self._handlers.get(envelope.type)
        if found is None:
            if envelope.type in self.subscription.ignored:
                return "ignored"
            return PermanentError(f"unknown event type {envelope.type} on {record.topic} for {self.name}")
        cls, handler = found
        try:
            event = cls.model_validate(envelope.data)
        except ValidationError as exc:
            return exc
        return envelope, event, handler

    def _span(self, topic: str, envelope: Envelope) -> Any:
        return tracer().start_as_current_span(
            f"{topic} process", context=context_from_headers(envelope.extra_headers), kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka", "messaging.destination.name": topic,
                "messaging.message.id": envelope.id, "messaging.consumer.group.name": self.name,
                "cloudevents.event_type": envelope.type,
            },
        )

    def _count(self, topic: str, outcome: str) -> str:
        CONSUMER_MESSAGES.labels(self.service, topic, outcome).inc()
        return outcome

    async def _apply_with_retries(self, envelope: Envelope, event: Event, handler: Handler, topic: str, *,
                                  attempts: int | None = None, retried: bool = False) -> str:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self._max_attempts if attempts is None else attempts),
            wait=wait_exponential(multiplier=self._backoff, max=5),
            # Never retry: a permanent error, an outage (rewind and wait instead), a cancellation
            # (tenacity would retry it, and stopping would wait forever on this task).
            retry=retry_if_exception(_retriable),
            reraise=True,
        ):
            with attempt:
                if retried or attempt.retry_state.attempt_number > 1:
                    CONSUMER_RETRIES.labels(self.service, topic).inc()
                async with self._sessions() as session, session.begin():
                    if not await claim(session, self.name, envelope.id, envelope.type):
                        return "duplicate"
                    await self._run_handler(session, envelope, event, handler)
                self._on_commit()
        return "processed"

    async def _run_handler(self, session: AsyncSession, envelope: Envelope, event: Event, handler: Handler) -> None:
        """The handler as a use case: the domain events it recorded on its context go through the
        subscription's mapper into the outbox before the transaction commits, as
        `ServiceRuntime.transaction()` does for a route (clinic_shared.outbox.mapper)."""
        ctx = MessageContext(session, f"/{self.service}", envelope=envelope, mapper=self.subscription.mapper)
        await handler(ctx, event)
        await ctx.publish_recorded()

    async def _dead_letter(self, record: ConsumerRecord, error: BaseException) -> str:
        # Nothing reaches the DLQ while the database is down: the error may be its absence.
        if not await database_answers(self._sessions):
            raise Outage(f"the database does not answer (before dead-lettering {type(error).__name__})")
        dlq = dlq_of(record.topic)
        headers = [(k, v) for k, v in (record.headers or [])
                   if not k.startswith("dlq_") and k != REPLAY_GROUP_HEADER]
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
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self._dlq_attempts), wait=wait_exponential(multiplier=0.2, max=5),
                retry=retry_if_exception(_retriable_send), reraise=True,
            ):
                with attempt:
                    async with asyncio.timeout(self._dlq_timeout):
                        await self._producer.send_and_wait(dlq, value=record.value, key=record.key,
                                                           headers=headers)
        except Exception as exc:
            if _retriable_send(exc):
                # Still failing after the bounded retries, retriably: the broker is away. Wait.
                raise Outage(f"dead letter not confirmed: {type(exc).__name__}") from exc
            await park(self._sessions, consumer=self.name, record=record, headers=headers, error=exc)
            DLQ_PARKED.labels(self.service, record.topic).inc()
            log.error("dead letter refused by the broker; parked and partition paused",
                      extra={"topic": record.topic, "offset": record.offset, "error": type(exc).__name__})
            raise _Parked from exc
        DLQ_MESSAGES.labels(self.service, record.topic).inc()
        return self._count(record.topic, "dead_lettered")

    # -- health -----------------------------------------------------------------------------------
    def is_stuck(self, stuck_after: float | None = None) -> bool:
        """Inside one batch for longer than `stuck_after` seconds, and not waiting out an outage."""
        limit = self._stuck_after if stuck_after is None else stuck_after
        return self.waiting_for is None and self.heartbeat_age() > limit

    def health(self, stuck_after: float) -> str:
        if not self.started:
            return "starting"
        if self.waiting_for:
            return f"waiting for the {self.waiting_for}"
        if self.is_stuck(stuck_after):
            return f"stuck for {self.heartbeat_age():.0f}s"
        if self.paused:
            return "paused: " + ", ".join(f"{tp.topic}[{tp.partition}]" for tp in sorted(self.paused))
        return "ok"

    def heartbeat_age(self) -> float:
        """Seconds inside the current batch (or outage wait); 0 when idle between polls."""
        return 0.0 if self.busy_since is None else time.monotonic() - self.busy_since


class _Segment:
    """The records of a batch applied in one open transaction, each in its savepoint, not yet
    committed: their offsets and outcomes are confirmed only by `commit`.

    When it opens, the segment claims the inbox ids of every record ahead in the batch in one
    statement; a record is applied only if its id was claimed then (and not yet applied). Claims of
    records not applied by the time it commits (a failed handler, a dead letter, the records after
    them) are taken back in the same transaction, so those records are claimed again when handled."""

    def __init__(self, policy: ConsumerPolicy) -> None:
        self._policy = policy
        self._session: AsyncSession | None = None
        self._claimed: set[str] = set()  # claimed by this transaction, not applied yet
        self._positions: dict[TopicPartition, int] = {}
        self._outcomes: list[tuple[str, str]] = []

    async def apply(self, envelope: Envelope, event: Event, handler: Handler, *, reads: list[_Read],
                    index: int) -> str:
        """Apply the record at `index` of the batch's `reads` in its savepoint (opening the
        transaction, and claiming the ids from `index` on, if none is open)."""
        policy = self._policy
        if self._session is None:
            self._session = policy._sessions()
            await self._session.begin()
            self._claimed = await claim_many(self._session, policy.name, [
                (r[0].id, r[0].type) for r in reads[index:] if isinstance(r, tuple)])
        session = self._session
        if envelope.id not in self._claimed:
            return "duplicate"  # processed before, or earlier in this batch
        self._claimed.discard(envelope.id)
        try:
            async with session.begin_nested():
                await policy._run_handler(session, envelope, event, handler)
        except BaseException:
            self._claimed.add(envelope.id)  # not applied: its claim is taken back at the commit
            raise
        return "processed"

    def confirm(self, tp: TopicPartition, next_offset: int, topic: str, outcome: str) -> None:
        """Done once the transaction commits (at once when nothing is open)."""
        self._positions[tp] = next_offset
        self._outcomes.append((topic, outcome))

    async def commit(self, done: dict[TopicPartition, int]) -> None:
        """Commit the open transaction; then its records count as done (offsets may pass them)."""
        session, self._session = self._session, None
        claimed, self._claimed = self._claimed, set()
        if session is not None:
            try:
                await unclaim(session, self._policy.name, claimed)
                await session.commit()
            except Exception as exc:
                with _suppress_ctx(Exception):
                    await session.close()
                if is_outage(exc):
                    raise Outage(str(exc)) from exc
                raise
            await session.close()
            self._policy._on_commit()
        done.update(self._positions)
        for topic, outcome in self._outcomes:
            self._policy._count(topic, outcome)
        self._positions.clear()
        self._outcomes.clear()

    async def abandon(self) -> None:
        """Roll back what was not committed (an outage, a cancellation): it is read again."""
        session, self._session = self._session, None
        self._claimed = set()
        self._positions.clear()
        self._outcomes.clear()
        if session is not None:
            with _suppress_ctx(Exception):
                await session.close()


class _InMemory:
    """The consumer side under TestKafkaBroker: records come from memory, offsets go nowhere."""

    async def commit(self, _offsets: Any = None) -> None:
        return None

    def seek(self, _tp: TopicPartition, _offset: int) -> None:
        return None

    def pause(self, *_tps: TopicPartition) -> None:
        return None

    def highwater(self, _tp: TopicPartition) -> int | None:
        return None


class _Parked(Exception):
    """A dead letter the broker refused for good was parked in the database."""


def _retriable(exc: BaseException) -> bool:
    return not isinstance(exc, PermanentError | asyncio.CancelledError) and not is_outage(exc)


def _retriable_send(exc: BaseException) -> bool:
    if isinstance(exc, KafkaError):
        return bool(exc.retriable)
    return isinstance(exc, TimeoutError)


async def _raw_batch(records: tuple[ConsumerRecord, ...], _original: Any = None) -> KafkaMessage:
    """FastStream's batch parser decodes every header as UTF-8 and, under MANUAL, a record that
    fails there is skipped and later committed past. Ours only wraps the records: the policy
    decodes each one itself and dead-letters what it cannot read."""
    first = records[0]
    return KafkaMessage(body=b"", headers={}, raw_message=records, consumer=FAKE_CONSUMER,
                        message_id=f"{first.topic}-{first.partition}-{first.offset}")


async def _the_message(message: Any, _original: Any = None) -> Any:
    return message


def consumer_checks(consumers: list[ConsumerPolicy], stuck_after: float) -> dict[str, str]:
    """Readiness entries: one per consumer loop."""
    return {f"consumer:{c.name}": c.health(stuck_after) for c in consumers}


async def start_in_background(broker: KafkaBroker, consumers: list[ConsumerPolicy]) -> None:
    """Start the broker's subscribers, retrying while the broker is away; then mark them started.
    Run as a task: neither HTTP nor the relay waits for the consumer groups."""
    delay = 0.5
    while True:
        try:
            await broker.start()
            break
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("consumers could not start yet; retrying", exc_info=True)
            with _suppress_ctx(Exception):
                await broker.stop()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
    for consumer in consumers:
        consumer.started = True
        consumer.last_batch_at = time.monotonic()
