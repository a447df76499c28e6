"""The inbox: ids of processed events, written in the same transaction as the effect."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.db import INBOX, upsert
from clinic_shared.events.base import utcnow


async def claim(session: AsyncSession, consumer: str, event_id: str, event_type: str) -> bool:
    """Record that `consumer` processed `event_id`; False if it already had (a redelivery).

    On PostgreSQL a concurrent claim of the same id waits for the first transaction and then
    finds the row, so two deliveries racing each other still make one effect.
    """
    stmt = upsert(session, INBOX, {"consumer": consumer, "event_id": event_id, "event_type": event_type,
                                   "processed_at": utcnow()}, key=["consumer", "event_id"])
    result = await session.execute(stmt)
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def claim_many(session: AsyncSession, consumer: str, events: list[tuple[str, str]]) -> set[str]:
    """Claim the ids of several events (id, type) in one statement (PostgreSQL); returns the ids this
    transaction inserted. An id already there (a redelivery) or twice in `events` is claimed once."""
    if not events:
        return set()
    now = utcnow()
    rows = [{"consumer": consumer, "event_id": event_id, "event_type": event_type, "processed_at": now}
            for event_id, event_type in dict(events).items()]
    claimed: set[str] = set()
    for start in range(0, len(rows), 2000):  # PostgreSQL takes at most 32,767 parameters a statement
        stmt = (postgresql.insert(INBOX).values(rows[start:start + 2000])
                .on_conflict_do_nothing(index_elements=["consumer", "event_id"]).returning(INBOX.c.event_id))
        claimed.update((await session.execute(stmt)).scalars())
    return claimed


async def unclaim(session: AsyncSession, consumer: str, event_ids: set[str]) -> None:
    """Take back claims this transaction made for events it did not apply (before it commits)."""
    if event_ids:
        await session.execute(delete(INBOX).where(INBOX.c.consumer == consumer,
                                                  INBOX.c.event_id.in_(sorted(event_ids))))
