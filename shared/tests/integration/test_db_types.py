"""The column types and the upsert every service's tables use, on SQLite (the embedded default) and on
PostgreSQL (where the columns must also stay what the migrations made them: timestamptz, text)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.exc import StatementError

from clinic_shared.db import JsonText, UtcDateTime, create_engine, upsert

metadata = MetaData()
things = Table(
    "things", metadata,
    Column("id", String(20), primary_key=True),
    Column("at", UtcDateTime(), nullable=True),
    Column("data", JsonText, nullable=True),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("note", String(40), nullable=True),
)

NOON_UTC = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NOON_IN_PARIS = datetime(2026, 3, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))  # the same instant


async def _fresh(url: str):  # type: ignore[no-untyped-def]
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
        await conn.run_sync(metadata.create_all)
    return engine


async def check_utc_datetime(url: str) -> None:
    engine = await _fresh(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(things), [{"id": "utc", "at": NOON_UTC}, {"id": "paris", "at": NOON_IN_PARIS},
                                                {"id": "none", "at": None}])
        async with engine.connect() as conn:
            rows = dict((await conn.execute(select(things.c.id, things.c.at))).tuples().all())
            # Compared in SQL with an aware value in another zone: the same instant, whatever the database.
            later = (await conn.execute(select(things.c.id).where(things.c.at >= NOON_IN_PARIS)
                                        .order_by(things.c.id))).scalars().all()
        assert rows["utc"] == rows["paris"] == NOON_UTC
        for value in (rows["utc"], rows["paris"]):
            assert value is not None and value.tzinfo is not None and value.utcoffset() == timedelta(0)
        assert rows["none"] is None
        assert later == ["paris", "utc"]

        with pytest.raises(StatementError, match="timezone-aware"):  # refused, not guessed at
            async with engine.begin() as conn:
                await conn.execute(insert(things).values(id="naive", at=datetime(2026, 3, 1, 12, 0)))
        with pytest.raises(StatementError, match="timezone-aware"):
            async with engine.connect() as conn:
                await conn.execute(select(things).where(things.c.at > datetime(2026, 3, 1)))
    finally:
        await engine.dispose()


async def check_json_text(url: str) -> None:
    engine = await _fresh(url)
    value = {"regions": ["NY", "TX"], "title": "Crème — ½ dose", "n": 3, "nested": [{"level": 2}]}
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(things), [{"id": "doc", "data": value}, {"id": "list", "data": ["TX"]},
                                                {"id": "null", "data": None}])
        async with engine.connect() as conn:
            rows = dict((await conn.execute(select(things.c.id, things.c.data))).tuples().all())
            stored = (await conn.execute(text("SELECT data FROM things WHERE id = 'list'"))).scalar_one()
            # A value compared with the column is compared as the stored text (not dumped as JSON first).
            found = (await conn.execute(select(things.c.id).where(things.c.data.like('%"TX"%'))
                                        .order_by(things.c.id))).scalars().all()
        assert rows == {"doc": value, "list": ["TX"], "null": None}
        assert stored == '["TX"]'  # on disk it is text: compact JSON
        assert found == ["doc", "list"]
    finally:
        await engine.dispose()


async def check_upsert(url: str) -> None:
    engine = await _fresh(url)
    try:
        async with engine.begin() as conn:
            first = await conn.execute(upsert(conn, things, {"id": "a", "version": 2, "note": "first"}, key=["id"]))
            again = await conn.execute(upsert(conn, things, {"id": "a", "version": 9, "note": "ignored"}, key=["id"]))
            older = await conn.execute(upsert(
                conn, things, {"id": "a", "version": 1, "note": "older"}, key=[things.c.id],
                update={"version": 1, "note": "older"}, where=things.c.version < 1))
            newer = await conn.execute(upsert(
                conn, things, {"id": "a", "version": 3, "note": "newer"}, key=[things.c.id],
                update={"version": 3, "note": "newer"}, where=things.c.version < 3))
            await conn.execute(upsert(conn, things, {"id": "b", "version": 1, "note": "b", "data": ["x"]},
                                      key=["id"], update=["note", "data"]))
            await conn.execute(upsert(conn, things, {"id": "b", "version": 5, "note": "b2", "data": ["y"]},
                                      key=["id"], update=["note", "data"]))
        async with engine.connect() as conn:
            rows = {r.id: (r.version, r.note, r.data) for r in await conn.execute(select(things))}
        assert (first.rowcount, again.rowcount, older.rowcount, newer.rowcount) == (1, 0, 0, 1)
        assert rows == {"a": (3, "newer", None), "b": (1, "b2", ["y"])}  # "b": only the named columns taken
    finally:
        await engine.dispose()


def _sqlite(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/types.db"


async def test_utc_datetime_on_sqlite_is_aware_utc_out_and_refuses_naive_in(tmp_path: Path) -> None:
    await check_utc_datetime(_sqlite(tmp_path))


async def test_utc_datetime_on_sqlite_stores_the_utc_wall_time(tmp_path: Path) -> None:
    engine = await _fresh(_sqlite(tmp_path))
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(things).values(id="paris", at=NOON_IN_PARIS))
            raw = (await conn.execute(text("SELECT at FROM things"))).scalar_one()
        assert str(raw).startswith("2026-03-01 12:00:00")  # SQLite keeps no zone: what is kept is UTC
    finally:
        await engine.dispose()


async def test_json_text_on_sqlite_dumps_and_loads_once(tmp_path: Path) -> None:
    await check_json_text(_sqlite(tmp_path))


async def test_upsert_on_sqlite_inserts_ignores_or_updates(tmp_path: Path) -> None:
    await check_upsert(_sqlite(tmp_path))


async def test_upsert_refuses_a_database_it_does_not_know() -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine("sqlite+aiosqlite://")
    engine.sync_engine.dialect.name = "oracle"  # as another database would name itself
    with pytest.raises(NotImplementedError, match="oracle"):
        upsert(engine, things, {"id": "a"}, key=["id"])
    await engine.dispose()


# -- the same checks on PostgreSQL, and the columns stay what the migrations made them --------------


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
