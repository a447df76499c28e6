"""Writing events into the outbox, inside the caller's business transaction, and `Tx`: the one
transaction type every use case and every event handler receives."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.db import OUTBOX
from clinic_shared.events.base import Event, utcnow
from clinic_shared.telemetry import current_trace_headers


async def add_event(session: AsyncSession, event: Event, *, source: str, subject: str | None = None) -> str:
    """Stage `event` in the outbox table of `session`'s transaction; returns the CloudEvent id.

    Nothing is sent here: if the transaction rolls back, the event never existed.
    The current trace context is stored with the row so the trace continues through Kafka.
    """
    event_id = str(uuid.uuid4())
    await session.execute(
        insert(OUTBOX).values(
            event_id=event_id,
            topic=event.TOPIC,
            key=event.kafka_key,
            event_type=event.TYPE,
            source=source,
            subject=subject,
            payload=event.model_dump_json(),
            trace_headers=json.dumps(current_trace_headers()),
            created_at=utcnow(),
            attempts=0,
        )
    )
    return event_id


@dataclass
class Tx:
    """One business transaction: the session, and events staged into the outbox with it.

    HTTP use cases get one from `ServiceRuntime.transaction()`; event handlers get a
    `MessageContext`, which is a `Tx` that also carries the envelope being handled. A use case typed
    `tx: Tx` therefore runs unchanged from a route and from a handler."""

    session: AsyncSession
    source: str

    async def publish(self, event: Event, subject: str | None = None) -> str:
        return await add_event(self.session, event, source=self.source, subject=subject)
