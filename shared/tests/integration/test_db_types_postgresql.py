"""The column types and the upsert on PostgreSQL: the same checks as on SQLite (tests/unit/test_db_types.py),
and the columns stay what the migrations made them (timestamptz, text)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from ..unit.test_db_types import _fresh, check_json_text, check_upsert, check_utc_datetime


def _postgres(pg_url: str) -> str:
    if not pg_url.startswith("postgresql"):
        pytest.fail("PostgreSQL is needed", pytrace=False)
    return pg_url


async def test_utc_datetime_on_postgresql_is_aware_utc_out_and_refuses_naive_in(pg_url: str) -> None:
    await check_utc_datetime(_postgres(pg_url))


async def test_json_text_on_postgresql_dumps_and_loads_once(pg_url: str) -> None:
    await check_json_text(_postgres(pg_url))


async def test_upsert_on_postgresql_inserts_ignores_or_updates(pg_url: str) -> None:
    await check_upsert(_postgres(pg_url))


async def test_the_columns_on_disk_are_timestamptz_and_text(pg_url: str) -> None:
    engine = await _fresh(_postgres(pg_url))
    try:
        async with engine.connect() as conn:
            types = dict((await conn.execute(text(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'things'"
            ))).tuples().all())
        assert types["at"] == "timestamp with time zone"
        assert types["data"] == "text"  # JsonText needs no migration of the services' TEXT columns
    finally:
        await engine.dispose()
