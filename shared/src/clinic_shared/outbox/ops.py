"""Parked outbox rows: list them and put them back in line (the clinic-outbox CLI uses these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clinic_shared.db import OUTBOX, STATE_PARKED, STATE_PENDING


@dataclass(frozen=True)
class ParkedRow:
    id: int
    topic: str
    key: str
    event_type: str
    attempts: int
    last_error: str | None
    created_at: datetime
    waiting_behind: int  # pending rows of the same key that wait for this one (per-key order)


async def list_parked(sessions: async_sessionmaker[AsyncSession]) -> list[ParkedRow]:
    behind = OUTBOX.alias("behind")
    waiting = (select(func.count()).where(and_(
        behind.c.state == STATE_PENDING, behind.c.topic == OUTBOX.c.topic, behind.c.key == OUTBOX.c.key,
        behind.c.id > OUTBOX.c.id,
    )).scalar_subquery())
    stmt = (select(OUTBOX.c.id, OUTBOX.c.topic, OUTBOX.c.key, OUTBOX.c.event_type, OUTBOX.c.attempts,
                   OUTBOX.c.last_error, OUTBOX.c.created_at, waiting.label("waiting_behind"))
            .where(OUTBOX.c.state == STATE_PARKED).order_by(OUTBOX.c.id))
    async with sessions() as session:
        return [ParkedRow(**row._mapping) for row in await session.execute(stmt)]


async def retry(sessions: async_sessionmaker[AsyncSession], row_id: int | None = None) -> int:
    """Put one parked row (or all of them) back to pending with a fresh attempt count; returns how many.

    The relay then sends it first of its key, and the rows that waited behind it follow in order."""
    stmt = update(OUTBOX).where(OUTBOX.c.state == STATE_PARKED)
    if row_id is not None:
        stmt = stmt.where(OUTBOX.c.id == row_id)
    async with sessions() as session, session.begin():
        result = await session.execute(stmt.values(state=STATE_PENDING, attempts=0, lease_owner=None,
                                                   lease_until=None))
    return int(getattr(result, "rowcount", 0) or 0)
