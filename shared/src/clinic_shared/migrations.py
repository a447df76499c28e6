"""Alembic plumbing: one env runner for every service, and the messaging tables' migration."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from clinic_shared.db import create_engine


def run_env(target_metadata: MetaData) -> None:
    """The whole body of a service's migrations/env.py."""
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database url: set sqlalchemy.url or the service's *_DATABASE_URL")

    def _run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()

    async def _main() -> None:
        engine = create_engine(url)
        async with engine.connect() as conn:
            await conn.run_sync(_run)
            await conn.commit()
        await engine.dispose()

    asyncio.run(_main())


def create_messaging_tables() -> None:
    """Call from a service's first migration: the outbox and inbox tables."""
    big_id = sa.BigInteger().with_variant(sa.Integer, "sqlite")
    op.create_table(
        "outbox",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(200), nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("trace_headers", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"])
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )


def upgrade_messaging_0002() -> None:
    """Call from a service's `0002_messaging` migration: relay leases and states, and retention indexes.

    batch_alter_table so SQLite (which cannot ALTER a column or add a constraint in place) works too.
    """
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("state", sa.String(16), nullable=False, server_default="pending"))
        batch.add_column(sa.Column("lease_owner", sa.String(64), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_outbox_state_id", ["state", "id"])
    op.execute("UPDATE outbox SET state = 'published' WHERE published_at IS NOT NULL")
    with op.batch_alter_table("inbox") as batch:
        batch.create_index("ix_inbox_processed_at", ["processed_at"])


def downgrade_messaging_0002() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.drop_index("ix_inbox_processed_at")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_state_id")
        batch.drop_column("lease_until")
        batch.drop_column("lease_owner")
        batch.drop_column("state")


def create_dead_letter_parking_table() -> None:
    """Call from a service's `0002_dlq_parking` migration: dead letters the broker refused for good."""
    op.create_table(
        "dead_letter_parked",
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("topic", sa.String(249), primary_key=True),
        sa.Column("partition", sa.Integer, primary_key=True),
        sa.Column("offset", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("key", sa.LargeBinary, nullable=True),
        sa.Column("value", sa.LargeBinary, nullable=True),
        sa.Column("headers", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("parked_at", sa.DateTime(timezone=True), nullable=False),
    )
