"""The outbox relay: sends unconfirmed rows in id order, right after a commit and after any crash.

One code path serves both: a commit calls `notify()`, which wakes the relay at once (no polling
delay on the happy path); the poll interval only matters for rows left behind by a crash or an
outage. Rows are marked published only after the broker acknowledged them (acks=all), so a crash
between send and mark re-sends them: consumers deduplicate by the CloudEvent id (the inbox).
On PostgreSQL, several replicas share the work with FOR UPDATE SKIP LOCKED.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from opentelemetry.trace import SpanKind
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clinic_shared.db import OUTBOX, is_postgres
from clinic_shared.events.base import utcnow
from clinic_shared.events.envelope import ce_headers
from clinic_shared.metrics import (
    OUTBOX_BACKLOG,
    OUTBOX_OLDEST_AGE,
    OUTBOX_PUBLISH_ERRORS,
    OUTBOX_PUBLISHED,
)
from clinic_shared.telemetry import context_from_headers, current_trace_headers, tracer

log = logging.getLogger("clinic.outbox")


class OutboxRelay:
    def __init__(
        self, *, service: str, sessions: async_sessionmaker[AsyncSession], producer: AIOKafkaProducer,
        topic_prefix: str = "", batch_size: int = 200, poll_interval: float = 1.0,
    ) -> None:
        self.service = service
        self._sessions = sessions
        self._producer = producer
        self._prefix = topic_prefix
        self._batch = batch_size
        self._poll = poll_interval
        self._wake = asyncio.Event()
        self._observed_at = float("-inf")

    def notify(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                sent = await self.drain_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; will retry")
                OUTBOX_PUBLISH_ERRORS.labels(self.service).inc()
                sent = 0
                await asyncio.sleep(min(self._poll, 1.0))
            if sent >= self._batch:
                continue
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that lands
            # as the wake-up does, and the relay then outlives runtime.stop() (which waits for it forever).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()

    async def drain_once(self) -> int:
        """Send one batch of unconfirmed rows; returns how many the broker confirmed."""
        async with self._sessions() as session, session.begin():
            stmt = select(OUTBOX).where(OUTBOX.c.published_at.is_(None)).order_by(OUTBOX.c.id).limit(self._batch)
            if is_postgres(session):
                stmt = stmt.with_for_update(skip_locked=True)
            rows = (await session.execute(stmt)).all()
            confirmed: list[int] = []
            failed: tuple[int, BaseException] | None = None
            pending = [(row.id, await self._send(row)) for row in rows]
            for row_id, future in pending:
                try:
                    await future
                except Exception as exc:  # later rows are not marked: order per key holds
                    failed = (row_id, exc)
                    break
                confirmed.append(row_id)
            now = utcnow()
            if confirmed:
                await session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(confirmed)).values(published_at=now))
            if failed:
                await session.execute(
                    update(OUTBOX).where(OUTBOX.c.id == failed[0])
                    .values(attempts=OUTBOX.c.attempts + 1, last_error=repr(failed[1])[:2000])
                )
        OUTBOX_PUBLISHED.labels(self.service).inc(len(confirmed))
        # The backlog gauges cost a query: refresh them at most once per poll interval, not per commit.
        # An idle relay still drains every interval, so they settle to the truth within one.
        if failed or time.monotonic() - self._observed_at >= self._poll:
            await self._observe_backlog()
            self._observed_at = time.monotonic()
        if failed:
            raise RuntimeError(f"publishing outbox row {failed[0]} failed") from failed[1]
        return len(confirmed)

    async def _send(self, row: object) -> asyncio.Future[object]:
        trace_in = json.loads(row.trace_headers or "{}")  # type: ignore[attr-defined]
        topic = self._prefix + row.topic  # type: ignore[attr-defined]
        with tracer().start_as_current_span(
            f"{row.topic} publish", context=context_from_headers(trace_in), kind=SpanKind.PRODUCER,  # type: ignore[attr-defined]
            attributes={
                "messaging.system": "kafka", "messaging.destination.name": topic,
                "messaging.message.id": row.event_id, "cloudevents.event_type": row.event_type,  # type: ignore[attr-defined]
            },
        ):
            headers = ce_headers(
                event_id=row.event_id, event_type=row.event_type, source=row.source,  # type: ignore[attr-defined]
                time=_aware(row.created_at), subject=row.subject,  # type: ignore[attr-defined]
                trace_headers=current_trace_headers(),
            )
            return await self._producer.send(
                topic, value=row.payload.encode(), key=row.key.encode(), headers=headers,  # type: ignore[attr-defined]
            )

    async def _observe_backlog(self) -> None:
        async with self._sessions() as session:
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(OUTBOX.c.created_at)).where(OUTBOX.c.published_at.is_(None))
                )
            ).one()
        OUTBOX_BACKLOG.labels(self.service).set(count)
        OUTBOX_OLDEST_AGE.labels(self.service).set(
            (utcnow() - _aware(oldest)).total_seconds() if oldest is not None else 0
        )


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
