"""The outbox relay: sends unconfirmed rows in id order, right after a commit and after any crash.

One code path serves both: a commit calls `notify()`, which wakes the relay at once (no polling
delay on the happy path); the poll interval only matters for rows left behind by a crash or an
outage. Rows are marked published only after the broker acknowledged them (acks=all), so a crash
between send and mark re-sends them: consumers deduplicate by the CloudEvent id (the inbox).

The rules (docs/decisions/0006-relay-leases-and-leader.md):

- One sender per service database: on PostgreSQL the relay sends only while it holds a session-level
  advisory lock on a dedicated connection (`Leadership`); followers try for it every poll interval,
  and a leader whose connection is gone stops at once. On SQLite (one process) it always leads.
- No row lock across network I/O: a drain claims rows with a lease in one autocommitted statement
  (which also checks the lock), sends, and marks the outcome in one statement per kind of outcome.
- Errors are per row: a row that fails is recorded (`attempts`, `last_error`); only the later rows of
  the same key (topic + key) wait behind it, every other key goes on. A row whose own failures reach
  `max_attempts` is parked, and the later rows of its key stay behind it until it is retried.
- Every send has a deadline (`send_timeout`); a send that misses it, or a fatal idempotence error
  (aio-libs/aiokafka#1017: OutOfOrderSequenceNumber, UnknownProducerId, InvalidProducerEpoch),
  recreates the producer. Outage errors do not count towards parking.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    InvalidProducerEpoch,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    OutOfOrderSequenceNumber,
    ProducerClosed,
    UnknownProducerId,
)
from opentelemetry.trace import SpanKind
from sqlalchemy import and_, case, exists, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from clinic_shared.db import OUTBOX, STATE_PARKED, STATE_PENDING, STATE_PUBLISHED
from clinic_shared.events.base import utcnow
from clinic_shared.events.envelope import ce_headers
from clinic_shared.metrics import (
    OUTBOX_BACKLOG,
    OUTBOX_OLDEST_AGE,
    OUTBOX_PARKED,
    OUTBOX_PRODUCER_RESETS,
    OUTBOX_PUBLISH_ERRORS,
    OUTBOX_PUBLISHED,
    OUTBOX_RELAY_HEARTBEAT_AGE,
    OUTBOX_RELAY_LEADER,
    OUTBOX_RELAY_STUCK,
)
from clinic_shared.telemetry import context_from_headers, current_trace_headers, tracer

log = logging.getLogger("clinic.outbox")

# The producer is unusable after these until it is recreated (aio-libs/aiokafka#1017).
FATAL_PRODUCER_ERRORS: tuple[type[BaseException], ...] = (
    OutOfOrderSequenceNumber, UnknownProducerId, InvalidProducerEpoch, ProducerClosed,
)


class RowRejected(Exception):
    """A row that cannot be sent because of what it is (not because the broker is away)."""


def is_outage(exc: BaseException) -> bool:
    """True when the failure says nothing about the row: the broker or the producer is the problem."""
    if isinstance(exc, (*FATAL_PRODUCER_ERRORS, TimeoutError, KafkaTimeoutError, KafkaConnectionError, OSError)):
        return True
    return isinstance(exc, KafkaError) and bool(getattr(exc, "retriable", False))


def advisory_key(service: str) -> int:
    """A stable signed 64-bit key for `pg_try_advisory_lock`, one per service database."""
    digest = hashlib.blake2b(f"clinic-outbox-relay:{service}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Leadership:
    """Who may send. PostgreSQL: a session advisory lock on a dedicated, unpooled connection."""

    def __init__(self, service: str, engine: AsyncEngine | None, check_every: float) -> None:
        self._key = advisory_key(service)
        self._check_every = check_every
        self._pg = engine is not None and engine.dialect.name == "postgresql"
        # NullPool: closing the connection really closes it, so PostgreSQL releases the lock with it.
        self._engine = create_async_engine(engine.url, poolclass=NullPool) if self._pg and engine else None
        self._conn: AsyncConnection | None = None
        self.backend_pid: int | None = None
        self._checked_at = float("-inf")

    @property
    def shared(self) -> bool:
        """True when several relays may run on this database (PostgreSQL)."""
        return self._pg

    @property
    def is_leader(self) -> bool:
        return not self._pg or self._conn is not None

    async def refresh(self) -> bool:
        """Keep or try for the lock (at most once per check interval while leading); True if leading."""
        if not self._pg:
            return True
        now = time.monotonic()
        if self._conn is not None:
            if now - self._checked_at < self._check_every:
                return True
            try:
                async with asyncio.timeout(5):
                    await self._conn.execute(text("SELECT 1"))
                self._checked_at = now
                return True
            except Exception:
                log.warning("outbox relay lost its leader connection; it stops sending")
                await self.release()
        return await self._try_acquire()

    async def _try_acquire(self) -> bool:
        assert self._engine is not None
        conn: AsyncConnection | None = None
        try:
            async with asyncio.timeout(5):
                conn = await self._engine.connect()
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                got = (await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key})).scalar()
                if got:
                    self.backend_pid = int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())
                    self._conn, conn = conn, None
                    self._checked_at = time.monotonic()
                    log.info("outbox relay is the leader", extra={"backend_pid": self.backend_pid})
        except Exception as exc:
            log.warning("outbox relay could not try for leadership: %s", type(exc).__name__)
        finally:
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close()
        return self._conn is not None

    async def release(self) -> None:
        conn, self._conn, self.backend_pid = self._conn, None, None
        if conn is not None:
            try:
                async with asyncio.timeout(5):
                    await conn.close()
            except Exception:
                with contextlib.suppress(Exception):
                    await conn.invalidate()

    async def close(self) -> None:
        await self.release()
        if self._engine is not None:
            await self._engine.dispose()


@dataclass
class _Outcome:
    published: list[int] = field(default_factory=list)
    rejected: dict[int, BaseException] = field(default_factory=dict)  # the row's own fault: counts
    outage: dict[int, BaseException] = field(default_factory=dict)    # the broker's fault: recorded only
    held: list[int] = field(default_factory=list)                     # behind a failed row of its key
    reset_producer: bool = False


class OutboxRelay:
    def __init__(
        self, *, service: str, sessions: async_sessionmaker[AsyncSession],
        producer: AIOKafkaProducer | None = None, producer_factory: Callable[[], AIOKafkaProducer] | None = None,
        engine: AsyncEngine | None = None, topics: Iterable[str] | None = None, topic_prefix: str = "",
        batch_size: int = 200, poll_interval: float = 1.0, send_timeout: float = 15.0, max_attempts: int = 5,
        lease_seconds: float = 0.0, stuck_after: float = 0.0, owner: str | None = None,
    ) -> None:
        if producer is None and producer_factory is None:
            raise ValueError("give the relay a producer or a producer factory")
        self.service = service
        self._sessions = sessions
        self._producer = producer
        self._factory = producer_factory
        self._prefix = topic_prefix
        self._topics = set(topics) if topics is not None else None
        self._batch = batch_size
        self._poll = poll_interval
        self._send_timeout = send_timeout
        self._max_attempts = max_attempts
        self._lease = timedelta(seconds=lease_seconds or 2 * send_timeout + 5)
        self._stuck_after = stuck_after or max(3 * send_timeout, 30.0)
        self.owner = (owner or f"{service}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}")[:64]
        bind = engine if engine is not None else sessions.kw.get("bind")
        self.leadership = Leadership(service, bind if isinstance(bind, AsyncEngine) else None, poll_interval)
        self._wake = asyncio.Event()
        self._beat = time.monotonic()
        self._progress = time.monotonic()
        self._pending_seen = 0
        self.last_error: str | None = None

    @property
    def producer(self) -> AIOKafkaProducer | None:
        return self._producer

    def notify(self) -> None:
        self._wake.set()

    # -- the loop ---------------------------------------------------------------------------------
    async def run(self) -> None:
        while True:
            self._wake.clear()
            sent = 0
            try:
                if await self.leadership.refresh():
                    OUTBOX_RELAY_LEADER.labels(self.service).set(1)
                    sent = await self.drain_once()
                else:
                    OUTBOX_RELAY_LEADER.labels(self.service).set(0)
                    self._progress = time.monotonic()  # a follower has nothing to be stuck on
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("outbox relay failed; will retry")
                self.last_error = repr(exc)[:500]
                OUTBOX_PUBLISH_ERRORS.labels(self.service).inc()
                await asyncio.sleep(min(self._poll, 1.0))
            self._beat = time.monotonic()
            if sent >= self._batch:
                continue
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that lands
            # as the wake-up does, and the relay then outlives runtime.stop() (which waits for it forever).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()

    async def run_observer(self) -> None:
        """The backlog gauges and relay health, refreshed by their own task every poll interval, so
        they move (and OutboxStuck can fire) even while a send is blocked on a dead broker."""
        while True:
            try:
                await self.observe()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox backlog could not be read: %s", type(exc).__name__)
            await asyncio.sleep(self._poll)

    async def close(self) -> None:
        await self.leadership.close()
        await self._drop_producer()

    # -- one drain: claim, send, mark -------------------------------------------------------------
    async def drain_once(self) -> int:
        """Send one batch of claimable rows; returns how many the broker confirmed."""
        rows = await self._claim()
        if not rows:
            self._progress = time.monotonic()
            return 0
        outcome = await self._send_all(rows)
        await self._mark(rows, outcome)
        OUTBOX_PUBLISHED.labels(self.service).inc(len(outcome.published))
        if not outcome.outage:
            self._progress = time.monotonic()
        if outcome.rejected or outcome.outage:
            OUTBOX_PUBLISH_ERRORS.labels(self.service).inc(len(outcome.rejected) + len(outcome.outage))
            first = next(iter({**outcome.rejected, **outcome.outage}.values()))
            self.last_error = repr(first)[:500]
        if outcome.reset_producer:
            log.warning("outbox relay recreates its Kafka producer", extra={"error": self.last_error})
            await self._drop_producer()
            OUTBOX_PRODUCER_RESETS.labels(self.service).inc()
        return len(outcome.published)

    async def _claim(self) -> list[Any]:
        """Lease the next batch in ONE autocommitted statement: `UPDATE ... RETURNING` of the first
        pending rows in id order that no parked row of their key holds back. On PostgreSQL the
        statement also checks that our leader session holds the advisory lock at that moment, so a
        relay that lost it claims nothing (its next `refresh()` then finds the connection gone)."""
        now = utcnow()
        ahead = OUTBOX.alias("ahead")
        parked_ahead = exists().where(and_(
            ahead.c.state == STATE_PARKED, ahead.c.topic == OUTBOX.c.topic, ahead.c.key == OUTBOX.c.key,
            ahead.c.id < OUTBOX.c.id,
        ))
        # Another owner's lease does not hold us up: only the leader claims (checked in this very
        # statement), so a lease of another owner is a former leader's, which is dead or has lost its
        # lock. Its sends still in flight can only be copies of rows we now send again in id order: the
        # first copy of each event keeps per-key order and consumers drop the rest by id. (Waiting out
        # the lease instead left a SIGKILLed leader's rows undelivered for up to 35 s after a restart.)
        batch = (select(OUTBOX.c.id).where(OUTBOX.c.state == STATE_PENDING, ~parked_ahead)
                 .order_by(OUTBOX.c.id).limit(self._batch).scalar_subquery())
        stmt = update(OUTBOX).where(OUTBOX.c.id.in_(batch))
        if self.leadership.shared:
            pid = self.leadership.backend_pid
            if pid is None:
                return []
            stmt = stmt.where(text(
                "EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = :leader_pid)"
            ).bindparams(leader_pid=pid))
        stmt = stmt.values(lease_owner=self.owner, lease_until=now + self._lease).returning(*OUTBOX.c)
        async with self._autocommit() as conn:
            claimed = (await conn.execute(stmt)).all()
        return sorted(claimed, key=lambda r: r.id)  # RETURNING keeps no order

    @contextlib.asynccontextmanager
    async def _autocommit(self) -> AsyncIterator[AsyncConnection]:
        """A pooled connection whose every statement is its own transaction: no BEGIN/COMMIT round
        trips for the relay's one-statement claim and marks."""
        async with self._sessions() as session:
            conn = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            yield conn

    async def _send_all(self, rows: list[Any]) -> _Outcome:
        out = _Outcome()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._send_timeout
        # The id of the first row of each key that failed in this drain: later rows of that key wait.
        failed_at: dict[tuple[str, str], int] = {}
        sent: list[tuple[Any, asyncio.Future[Any]]] = []
        stopped = False
        for row in rows:
            key = (row.topic, row.key)
            if stopped or key in failed_at:
                out.held.append(row.id)
                continue
            try:
                if self._topics is not None and row.topic not in self._topics:
                    raise RowRejected(f"topic {row.topic!r} is not declared in this service's publishes")
                async with asyncio.timeout_at(deadline):
                    producer = await self._ensure_producer()
                    future = await self._send(producer, row)
            except Exception as exc:
                failed_at.setdefault(key, row.id)
                if is_outage(exc):
                    out.outage[row.id] = exc
                    out.reset_producer = out.reset_producer or isinstance(exc, (*FATAL_PRODUCER_ERRORS, TimeoutError))
                    stopped = True  # the broker is the problem: the rest of the batch waits for next time
                else:
                    out.rejected[row.id] = exc
                continue
            sent.append((row, future))
        if sent:
            await asyncio.wait([f for _, f in sent], timeout=max(0.0, deadline - loop.time()))
        for row, future in sent:  # in id order: a failure holds the later rows of its key
            key = (row.topic, row.key)
            if failed_at.get(key, row.id) < row.id:
                # Even if acknowledged, a later row of a key whose earlier row failed is re-sent after
                # it, so the last word on the topic is in order (consumers drop the duplicate).
                out.held.append(row.id)
                continue
            if not future.done():
                failed_at.setdefault(key, row.id)
                out.outage[row.id] = TimeoutError(f"no broker acknowledgement within {self._send_timeout} s")
                out.reset_producer = True
                continue
            # A future aiokafka cancelled (its producer stopped) says nothing about the row.
            error = ProducerClosed() if future.cancelled() else future.exception()
            if error is None:
                out.published.append(row.id)
                continue
            failed_at.setdefault(key, row.id)
            if is_outage(error):
                out.outage[row.id] = error
                out.reset_producer = out.reset_producer or isinstance(error, FATAL_PRODUCER_ERRORS)
            else:
                out.rejected[row.id] = error
        return out

    async def _mark(self, rows: list[Any], out: _Outcome) -> None:
        """Record the outcome: the published rows in one statement, the held ones in another; the
        rare failed rows one by one. Each statement stands alone (autocommit): a mark lost to a crash
        only makes the row be sent again, and consumers drop the copy by its id."""
        now = utcnow()
        clear = {"lease_owner": None, "lease_until": None}
        async with self._autocommit() as conn:
            if out.published:
                await conn.execute(update(OUTBOX).where(OUTBOX.c.id.in_(out.published))
                                   .values(state=STATE_PUBLISHED, published_at=now, **clear))
            for row_id, exc in out.rejected.items():
                await conn.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(
                    attempts=OUTBOX.c.attempts + 1, last_error=_describe(exc),
                    state=case((OUTBOX.c.attempts + 1 >= self._max_attempts, STATE_PARKED), else_=STATE_PENDING),
                    **clear,
                ))
            for row_id, exc in out.outage.items():
                await conn.execute(update(OUTBOX).where(OUTBOX.c.id == row_id)
                                   .values(last_error=_describe(exc), **clear))
            if out.held:
                await conn.execute(update(OUTBOX).where(OUTBOX.c.id.in_(out.held)).values(**clear))
        for row_id, exc in out.rejected.items():
            log.warning("outbox row rejected", extra={"row_id": row_id, "error": _describe(exc)})

    async def _send(self, producer: AIOKafkaProducer, row: Any) -> asyncio.Future[Any]:
        trace_in = json.loads(row.trace_headers or "{}")
        topic = self._prefix + row.topic
        with tracer().start_as_current_span(
            f"{row.topic} publish", context=context_from_headers(trace_in), kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "kafka", "messaging.destination.name": topic,
                "messaging.message.id": row.event_id, "cloudevents.event_type": row.event_type,
            },
        ):
            headers = ce_headers(
                event_id=row.event_id, event_type=row.event_type, source=row.source,
                time=_aware(row.created_at), subject=row.subject,
                trace_headers=current_trace_headers(),
            )
            future: asyncio.Future[Any] = await producer.send(
                topic, value=row.payload.encode(), key=row.key.encode(), headers=headers,
            )
            return future

    # -- the producer -------------------------------------------------------------------------------
    async def start(self) -> None:
        await self._ensure_producer()

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            assert self._factory is not None
            producer = self._factory()
            try:
                await producer.start()
            except BaseException:
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(5):
                        await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def _drop_producer(self) -> None:
        """Forget the producer (a wedged idempotent producer never heals); the next send makes a new one."""
        producer, self._producer = self._producer, None
        if producer is None:
            return
        if self._factory is None:  # a producer we were given, not one we can make: keep it
            self._producer = producer
            return
        with contextlib.suppress(Exception):
            async with asyncio.timeout(5):
                await producer.stop()

    # -- health and gauges -------------------------------------------------------------------------
    async def observe(self) -> None:
        async with self._sessions() as session:
            count, oldest = (await session.execute(
                select(func.count(), func.min(OUTBOX.c.created_at)).where(OUTBOX.c.state == STATE_PENDING)
            )).one()
            parked = (await session.execute(
                select(func.count()).select_from(OUTBOX).where(OUTBOX.c.state == STATE_PARKED)
            )).scalar_one()
        self._pending_seen = int(count)
        OUTBOX_BACKLOG.labels(self.service).set(count)
        OUTBOX_OLDEST_AGE.labels(self.service).set(
            (utcnow() - _aware(oldest)).total_seconds() if oldest is not None else 0
        )
        OUTBOX_PARKED.labels(self.service).set(parked)
        health = self.health()
        OUTBOX_RELAY_HEARTBEAT_AGE.labels(self.service).set(health["heartbeat_age_seconds"])
        OUTBOX_RELAY_STUCK.labels(self.service).set(1 if health["stuck"] else 0)

    def health(self) -> dict[str, Any]:
        now = time.monotonic()
        beat_age = now - self._beat
        no_progress = now - self._progress
        leader = self.leadership.is_leader
        # Stuck: the loop stopped turning, or the leader has rows and has not managed a send for long.
        stuck = beat_age > self._stuck_after + self._send_timeout or (
            leader and self._pending_seen > 0 and no_progress > self._stuck_after
        )
        return {
            "role": "leader" if leader else "follower", "heartbeat_age_seconds": round(beat_age, 3),
            "seconds_since_progress": round(no_progress, 3), "stuck": stuck, "last_error": self.last_error,
        }

    def readiness(self) -> str:
        h = self.health()
        if not h["stuck"]:
            return "ok"
        return (f"stuck: {h['role']}, no send for {h['seconds_since_progress']:.0f} s, "
                f"heartbeat {h['heartbeat_age_seconds']:.0f} s ago; last error {h['last_error']}")


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
