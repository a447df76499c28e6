"""The inbox: ids of processed events, written in the same transaction as the effect."""

from __future__ import annotations

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
