"""Database plumbing: engines built by factories (never at import), and the messaging tables.

PostgreSQL in tests and production; SQLite files under var/ are the embedded default for `make up`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_MESSAGING = MetaData(naming_convention=NAMING)

OUTBOX = Table(
    "outbox", _MESSAGING,
    # The autoincrement id is the publish order: the relay sends rows in id order.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("topic", String(200), nullable=False),
    Column("key", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("source", String(200), nullable=False),
    Column("subject", String(200), nullable=True),
    Column("payload", Text, nullable=False),
    Column("trace_headers", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=True, index=True),
    # Failed attempts the row itself caused (too large, an undeclared topic, a broker refusal); a broker
    # outage is recorded in last_error but does not count, so an outage never parks a row.
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    # pending -> published, or pending -> parked after OUTBOX_MAX_ATTEMPTS (clinic-outbox retry puts it back).
    Column("state", String(16), nullable=False, server_default="pending"),
    # The relay that claimed the row and until when: a claim is a short transaction, the send happens
    # after its commit, and a lease nobody renews expires (no row lock is ever held across network I/O).
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", DateTime(timezone=True), nullable=True),
    Index("ix_outbox_state_id", "state", "id"),
)

INBOX = Table(
    "inbox", _MESSAGING,
    Column("consumer", String(200), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False),
    Index("ix_inbox_processed_at", "processed_at"),  # the retention job deletes by age
)

STATE_PENDING, STATE_PUBLISHED, STATE_PARKED = "pending", "published", "parked"


def new_metadata() -> MetaData:
    """A service's metadata, holding copies of the messaging tables every service has (outbox, inbox,
    parked dead letters)."""
    metadata = MetaData(naming_convention=NAMING)
    OUTBOX.to_metadata(metadata)
    INBOX.to_metadata(metadata)
    from clinic_shared.messaging.parking import DEAD_LETTER_PARKED  # the consumer policy's table

    DEAD_LETTER_PARKED.to_metadata(metadata)
    return metadata


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An engine whose errors and logs never carry bound values (an email, a card number): only the SQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=echo, hide_parameters=True, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_async_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True, pool_size=10,
                               max_overflow=10, connect_args=loopback_tls_args(parsed))


def _host_is_local(host: str) -> bool:
    """A unix socket directory, `localhost`, or a loopback address (with or without its port)."""
    host = host.strip()
    if not host or host.startswith("/"):
        return True
    if host.startswith("["):  # [::1]:5432
        host = host[1:].partition("]")[0]
    elif host.count(":") == 1:  # 127.0.0.1:5432 (a multi-host URL's form)
        host = host.partition(":")[0]
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere


def loopback_tls_args(url: URL) -> dict[str, Any]:
    """asyncpg's connect arguments for TLS: `{"ssl": False}` when every host of `url` is this machine
    and nothing asked for TLS, else none (asyncpg's own default, `prefer`, stays).

    asyncpg negotiates TLS whenever the server offers it, and on loopback that is CPU spent on both
    ends for nothing (3-7% of a service's samples in docs/performance.md). Asking for TLS keeps it:
    an `ssl` (or `sslmode`) in the URL's query (`?ssl=require`, `?ssl=prefer`) or PGSSLMODE in the
    environment; a remote host or a host name other than `localhost` is never touched."""
    if url.get_driver_name() != "asyncpg":
        return {}
    if "ssl" in url.query or "sslmode" in url.query or os.environ.get("PGSSLMODE"):
        return {}
    query_hosts = url.query.get("host")
    hosts = [query_hosts] if isinstance(query_hosts, str) else list(query_hosts or ())
    if url.host:
        hosts.append(url.host)
    if not hosts:  # asyncpg then uses PGHOST, else the local socket or localhost
        hosts = os.environ.get("PGHOST", "").split(",")
    return {"ssl": False} if all(_host_is_local(h) for h in hosts) else {}


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def is_postgres(engine_or_session: AsyncEngine | AsyncSession) -> bool:
    bind = engine_or_session.bind if isinstance(engine_or_session, AsyncSession) else engine_or_session
    return bind is not None and bind.dialect.name == "postgresql"


def upgrade(service_dir: Path, url: str) -> None:
    """Run a service's alembic migrations to head (sync; call it via asyncio.to_thread from async code)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(service_dir / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(cfg, "head")


async def upgrade_async(service_dir: Path, url: str) -> None:
    await asyncio.to_thread(upgrade, service_dir, url)
