"""Small helpers the repositories share: row locks, advisory locks, counts. (Aware datetimes and JSON
columns are column types: `clinic_shared.db.UtcDateTime` and `JsonText`.)"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.db import is_postgres


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
