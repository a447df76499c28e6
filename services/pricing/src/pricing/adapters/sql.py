"""Small helpers the repositories share: aware datetimes, JSON columns, row locks, advisory locks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.db import is_postgres


def aware(value: datetime) -> datetime:
    """Times come back aware from PostgreSQL; SQLite (the embedded default) stores them naive, in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def aware_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def for_update(session: AsyncSession, stmt: Select[Any], *, skip_locked: bool = False) -> Select[Any]:
    """Lock the selected rows until the transaction ends (PostgreSQL; SQLite serialises writers anyway)."""
    return stmt.with_for_update(skip_locked=skip_locked) if is_postgres(session) else stmt


async def advisory_lock(session: AsyncSession, key: str) -> None:
    """Serialise the transactions that name `key` until they end (PostgreSQL; SQLite has one writer).

    Used where a rule counts rows that do not exist yet: one customer's reports (the one-match and
    rate-limit rules) and the first price of a SKU.
    """
    if is_postgres(session):
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


async def count(session: AsyncSession, stmt: Select[Any]) -> int:
    return int((await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one())
