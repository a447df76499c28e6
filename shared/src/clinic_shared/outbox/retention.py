"""Retention: published outbox rows and old inbox rows are deleted by a periodic job.

The inbox is kept longer than the topics keep their events (settings refuse otherwise): a redelivery
of an event still in a topic must find its inbox row, or its effect would apply twice. Dead-letter
topics keep their messages forever; why replaying an old dead letter is still safe is in
docs/architecture.md#retention. Deletes go in small chunks, each its own short transaction.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clinic_shared.db import INBOX, OUTBOX, STATE_PUBLISHED
from clinic_shared.events.base import utcnow
from clinic_shared.metrics import RETENTION_PRUNED

log = logging.getLogger("clinic.retention")


async def prune_once(
    sessions: async_sessionmaker[AsyncSession], *, service: str, outbox_retention: float, inbox_retention: float,
    chunk: int = 2000,
) -> tuple[int, int]:
    """Delete published outbox rows older than `outbox_retention` seconds and inbox rows older than
    `inbox_retention`; returns (outbox rows, inbox rows) deleted. Pending and parked rows are never pruned."""
    now = utcnow()
    outbox_cutoff, inbox_cutoff = now - timedelta(seconds=outbox_retention), now - timedelta(seconds=inbox_retention)
    pruned_outbox = pruned_inbox = 0
    while True:
        async with sessions() as session, session.begin():
            ids = select(OUTBOX.c.id).where(
                OUTBOX.c.state == STATE_PUBLISHED, OUTBOX.c.published_at < outbox_cutoff
            ).limit(chunk)
            result = await session.execute(delete(OUTBOX).where(OUTBOX.c.id.in_(ids.scalar_subquery())))
            n = int(getattr(result, "rowcount", 0) or 0)
        pruned_outbox += n
        if not n or n < chunk:
            break
    while True:
        async with sessions() as session, session.begin():
            keys = select(INBOX.c.consumer, INBOX.c.event_id).where(INBOX.c.processed_at < inbox_cutoff).limit(chunk)
            result = await session.execute(
                delete(INBOX).where(tuple_(INBOX.c.consumer, INBOX.c.event_id).in_(keys))
            )
            n = int(getattr(result, "rowcount", 0) or 0)
        pruned_inbox += n
        if not n or n < chunk:
            break
    RETENTION_PRUNED.labels(service, "outbox").inc(pruned_outbox)
    RETENTION_PRUNED.labels(service, "inbox").inc(pruned_inbox)
    if pruned_outbox or pruned_inbox:
        log.info("retention pruned rows", extra={"outbox": pruned_outbox, "inbox": pruned_inbox})
    return pruned_outbox, pruned_inbox


async def run_pruner(
    sessions: async_sessionmaker[AsyncSession], *, service: str, outbox_retention: float, inbox_retention: float,
    interval: float,
) -> None:
    """The runtime's retention task: prune now, then every `interval` seconds; errors are logged, not fatal."""
    while True:
        try:
            await prune_once(sessions, service=service, outbox_retention=outbox_retention,
                             inbox_retention=inbox_retention)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("retention job failed; will retry next interval: %s", type(exc).__name__)
        await asyncio.sleep(interval)
