"""Writing events into the outbox, inside the caller's business transaction, and `Tx`: the one
transaction type (the unit of work) every use case and every event handler receives."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.db import OUTBOX
from clinic_shared.events.base import Event, utcnow
from clinic_shared.outbox.mapper import EventMapper, RecordsEvents
from clinic_shared.telemetry import current_trace_headers

A = TypeVar("A", bound=RecordsEvents)


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
    """One business transaction, the unit of work: the session, the aggregates the use case changed,
    and their domain events, staged into the outbox with the change (`clinic_shared.outbox.mapper`).

    HTTP use cases get one from `ServiceRuntime.transaction()`; event handlers get a
    `MessageContext`, which is a `Tx` that also carries the envelope being handled. A use case typed
    `tx: Tx` therefore runs unchanged from a route and from a handler.

    The use case hands every aggregate it changes to `track()` (or records an event that has no
    aggregate with `record()`); at the end, before the commit, `publish_recorded()` maps each recorded
    event with the service's mapper and stages it: per aggregate in the order they were recorded,
    aggregates in the order they were first tracked."""

    session: AsyncSession
    source: str
    mapper: EventMapper | None = field(default=None, kw_only=True)
    _tracked: list[RecordsEvents] = field(default_factory=list, init=False, repr=False)
    _loose: _Recorded | None = field(default=None, init=False, repr=False)

    def track(self, aggregate: A) -> A:
        """Collect `aggregate`'s recorded events at the end of this transaction; returns it."""
        if not any(seen is aggregate for seen in self._tracked):
            self._tracked.append(aggregate)
        return aggregate

    def record(self, event: object) -> None:
        """A domain event of a change that has no aggregate object; collected like a tracked one's."""
        if self._loose is None:
            self._loose = self.track(_Recorded())
        self._loose.events.append(event)

    async def publish_recorded(self) -> list[str]:
        """Map and stage every event recorded so far (emptying the aggregates' lists); the CloudEvent ids.
        Run by the transaction's owner before it commits: use cases do not call it."""
        ids: list[str] = []
        for aggregate in [a for a in self._tracked if a.events]:
            if self.mapper is None:
                raise TypeError(f"{self.source}: domain events recorded but no event mapper registered")
            events = list(aggregate.events)
            aggregate.events.clear()
            for event in events:
                contract, subject = self.mapper(event)
                ids.append(await add_event(self.session, contract, source=self.source, subject=subject))
        return ids

    async def publish(self, event: Event, subject: str | None = None) -> str:
        """Stage an integration contract as it is. The outbox's own primitive: a service emits
        through its mapper instead (tests/contract/test_emitting.py refuses it in service code)."""
        return await add_event(self.session, event, source=self.source, subject=subject)


@dataclass
class _Recorded:
    events: list[Any] = field(default_factory=list)
