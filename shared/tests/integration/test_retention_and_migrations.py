"""Retention of outbox and inbox rows, and the 0002_messaging migration of every service (PostgreSQL and SQLite)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import func, insert, select

from clinic_shared import db
from clinic_shared.db import INBOX, OUTBOX
from clinic_shared.events.base import utcnow
from clinic_shared.metrics import RETENTION_PRUNED
from clinic_shared.outbox.retention import prune_once
from clinic_shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("catalog", "pricing", "cart", "content")


def _row(i: int, state: str, age_days: float) -> dict[str, object]:
    at = utcnow() - timedelta(days=age_days)
    return {"event_id": f"e{i}", "topic": "t", "key": "k", "event_type": "x", "source": "/s", "payload": "{}",
            "trace_headers": "{}", "created_at": at, "attempts": 0, "state": state,
            "published_at": at if state == db.STATE_PUBLISHED else None}


async def test_retention_prunes_only_old_published_outbox_rows_and_old_inbox_rows(
    notes_settings: ServiceSettings,
) -> None:
    """Before: nothing pruned outbox or inbox rows, ever."""
    engine = db.create_engine(notes_settings.database_url)
    sessions = db.sessionmaker(engine)
    try:
        async with sessions() as s, s.begin():
            await s.execute(insert(OUTBOX), [
                _row(1, db.STATE_PUBLISHED, 8), _row(2, db.STATE_PUBLISHED, 8), _row(3, db.STATE_PUBLISHED, 1),
                _row(4, db.STATE_PENDING, 30), _row(5, db.STATE_PARKED, 30),  # never pruned: not yet sent
            ])
            await s.execute(insert(INBOX), [
                {"consumer": "g", "event_id": f"i{i}", "event_type": "x",
                 "processed_at": utcnow() - timedelta(days=days)} for i, days in enumerate([31, 31, 31, 20, 1])
            ])
        before = RETENTION_PRUNED.labels("notes", "outbox")._value.get()
        pruned = await prune_once(sessions, service="notes", outbox_retention=7 * 86400,
                                  inbox_retention=30 * 86400, chunk=2)  # chunk 2: several short transactions
        again = await prune_once(sessions, service="notes", outbox_retention=7 * 86400, inbox_retention=30 * 86400)
        async with sessions() as s:
            left = sorted(r[0] for r in await s.execute(select(OUTBOX.c.event_id)))
            inbox_left = (await s.execute(select(func.count()).select_from(INBOX))).scalar_one()
    finally:
        await engine.dispose()
    assert pruned == (2, 3) and again == (0, 0)
    assert left == ["e3", "e4", "e5"] and inbox_left == 2
    assert RETENTION_PRUNED.labels("notes", "outbox")._value.get() - before == 2


def test_the_inbox_must_outlive_the_topics() -> None:
    with pytest.raises(ValueError, match="INBOX_RETENTION"):
        ServiceSettings(inbox_retention=3 * 86400)


def _alembic(service: str, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "services" / service / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def _messaging_diff(url: str) -> list[object]:
    """What alembic would still change in the outbox and inbox tables to match db.new_metadata()."""
    engine = db.create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), db.new_metadata())
            )
    finally:
        await engine.dispose()


def _only_messaging(diff: list[object]) -> list[object]:
    def table_of(d: object) -> str | None:
        item = d[0] if isinstance(d, list) else d
        for part in item[1:] if isinstance(item, tuple) else ():
            name = getattr(part, "name", None) if not isinstance(part, str) else None
            table = getattr(part, "table", None)
            if table is not None and getattr(table, "name", None) in {"outbox", "inbox"}:
                return table.name
            if name in {"outbox", "inbox"}:
                return name
            if isinstance(part, str) and part in {"outbox", "inbox"}:
                return part
        return None
    return [d for d in diff if table_of(d)]


@pytest.mark.parametrize("service", SERVICES)
async def test_0002_messaging_matches_the_metadata_and_goes_down_and_up_on_postgresql_and_sqlite(
    service: str, pg_url: str, tmp_path: Path,
) -> None:
    for url in (pg_url, f"sqlite+aiosqlite:///{tmp_path}/{service}.db"):
        cfg = _alembic(service, url)
        await asyncio.to_thread(command.upgrade, cfg, "0001")
        engine = db.create_engine(url)  # a row published before the migration becomes state=published
        async with engine.begin() as conn:
            await conn.exec_driver_sql(
                "INSERT INTO outbox (event_id, topic, key, event_type, source, payload, trace_headers, created_at, "
                "published_at, attempts) VALUES ('old', 't', 'k', 'x', '/s', '{}', '{}', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0)")
        await asyncio.to_thread(command.upgrade, cfg, "head")
        async with engine.connect() as conn:
            state = (await conn.execute(select(OUTBOX.c.state))).scalar_one()
        await engine.dispose()
        assert state == db.STATE_PUBLISHED, url
        assert _only_messaging(await _messaging_diff(url)) == [], url
        await asyncio.to_thread(command.downgrade, cfg, "0001")
        await asyncio.to_thread(command.upgrade, cfg, "head")
        assert _only_messaging(await _messaging_diff(url)) == [], url
