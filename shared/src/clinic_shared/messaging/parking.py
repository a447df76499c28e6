"""Dead letters the broker refused for good (too large, topic missing), kept in the database.

The record is written here whole (value, key, headers with the error), its partition is paused
(order holds: nothing after it is applied) and `/readyz` says so. After the cause is fixed, a
restart re-reads the record from its committed offset; the row stays as the record of what happened.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Integer, LargeBinary, MetaData, String, Table, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clinic_shared.events.base import utcnow

_METADATA = MetaData()

DEAD_LETTER_PARKED = Table(
    "dead_letter_parked", _METADATA,
    Column("consumer", String(200), primary_key=True),
    Column("topic", String(249), primary_key=True),
    Column("partition", Integer, primary_key=True),
    Column("offset", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("key", LargeBinary, nullable=True),
    Column("value", LargeBinary, nullable=True),
    Column("headers", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("parked_at", DateTime(timezone=True), nullable=False),
)


async def park(sessions: async_sessionmaker[AsyncSession], *, consumer: str, record: Any,
               headers: list[tuple[str, bytes]], error: BaseException) -> None:
    """Keep `record` (once: a re-read after a restart finds the row already there)."""
    row = {
        "consumer": consumer, "topic": record.topic, "partition": record.partition, "offset": record.offset,
        "key": record.key, "value": record.value, "error": f"{type(error).__name__}: {error}"[:4000],
        "headers": json.dumps([[k, v.decode(errors="replace")] for k, v in headers]),
        "parked_at": utcnow(),
    }
    try:
        async with sessions() as session, session.begin():
            await session.execute(DEAD_LETTER_PARKED.insert().values(**row))
    except IntegrityError:
        pass


async def parked(sessions: async_sessionmaker[AsyncSession]) -> list[dict[str, Any]]:
    async with sessions() as session:
        rows = (await session.execute(select(DEAD_LETTER_PARKED))).mappings().all()
    return [dict(r) for r in rows]
