"""The checker can fail: on the real broker and database, a tiny service whose relay drops one outbox
row and whose consumer commits the offset before the effect (then crashes once) is judged by the
same checker as the harness, which must name both the lost event and the event never applied."""

from __future__ import annotations

import json
from typing import ClassVar

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from clinic_shared.db import OUTBOX, new_metadata
from clinic_shared.events.base import Event, utcnow
from clinic_shared.events.envelope import ce_headers, decode
from clinic_shared.outbox.writer import add_event
from clinic_shared.testing.infra import Infra

from . import checker
from .collect import group_lag, read_topics

pytestmark = pytest.mark.integration
TOPIC, GROUP = "test.broken.v1", "broken.effects"


class Touched(Event):
    TYPE: ClassVar[str] = "clinic.test.touched.v1"
    TOPIC: ClassVar[str] = TOPIC
    KEY_FIELD: ClassVar[str] = "key"

    key: str
    version: int


class Crash(Exception):
    pass


async def dropping_relay(url: str, producer: AIOKafkaProducer, prefix: str, drop: int) -> str:
    """Sends the outbox in id order and marks every row published, but never sends row `drop`."""
    engine = create_async_engine(url)
    dropped = ""
    async with engine.begin() as conn:
        rows = (await conn.execute(select(OUTBOX).order_by(OUTBOX.c.id))).mappings().all()
        for n, row in enumerate(rows):
            if n == drop:
                dropped = row["event_id"]
            else:
                await producer.send_and_wait(prefix + row["topic"], value=row["payload"].encode(),
                                             key=row["key"].encode(), headers=ce_headers(
                                                 event_id=row["event_id"], event_type=row["event_type"],
                                                 source=row["source"], time=row["created_at"], subject=None))
            await conn.execute(update(OUTBOX).where(OUTBOX.c.id == row["id"]).values(published_at=utcnow()))
    await engine.dispose()
    return dropped


async def commit_first_consumer(infra: Infra, url: str, prefix: str, crash_at: int | None) -> str:
    """Commits each offset BEFORE applying the record (the bug), and crashes on record `crash_at`."""
    consumer = AIOKafkaConsumer(prefix + TOPIC, bootstrap_servers=infra.kafka, group_id=prefix + GROUP,
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    crashed = ""
    try:
        n = 0
        while True:
            batch = await consumer.getmany(timeout_ms=3000)
            if not batch:
                return crashed
            for records in batch.values():
                for record in records:
                    # The bug: the offset is committed before the effect.
                    await consumer.commit({TopicPartition(record.topic, record.partition): record.offset + 1})
                    envelope = decode(record.headers, record.key, record.value)
                    if n == crash_at:
                        crashed = envelope.id
                        raise Crash(crashed)
                    await conn.execute("INSERT INTO inbox (consumer, event_id, event_type, processed_at) "
                                       "VALUES ($1, $2, $3, now())", GROUP, envelope.id, envelope.type)
                    n += 1
    except Crash:
        return crashed
    finally:
        await conn.close()
        await consumer.stop()


async def test_the_checker_reports_a_relay_that_drops_a_row_and_a_consumer_that_commits_first(
        infra: Infra, pg_url: str, topic_prefix: str) -> None:
    metadata = new_metadata()
    engine = create_async_engine(pg_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    async with engine.begin() as conn, AsyncSession(bind=conn) as session:
        for version in range(1, 7):
            await add_event(session, Touched(key=f"k{version % 2}", version=version), source="/broken")
    await engine.dispose()
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka)
    await admin.start()
    await admin.create_topics([NewTopic(topic_prefix + TOPIC, 1, 1)])
    await admin.close()

    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, acks="all")
    await producer.start()
    try:
        dropped = await dropping_relay(pg_url, producer, topic_prefix, drop=2)
    finally:
        await producer.stop()
    crashed = await commit_first_consumer(infra, pg_url, topic_prefix, crash_at=1)
    await commit_first_consumer(infra, pg_url, topic_prefix, crash_at=None)  # "restarted": resumes past it

    records = await read_topics(infra.kafka, topic_prefix)
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        outbox = [checker.OutboxRow("broken", r["event_id"], topic_prefix + r["topic"], r["key"], True)
                  for r in await conn.fetch("SELECT event_id, topic, key FROM outbox")]
        inbox = {r["event_id"] for r in await conn.fetch("SELECT event_id FROM inbox")}
    finally:
        await conn.close()
    history = checker.History(
        records=records, outbox=outbox, inbox={GROUP: inbox},
        consumers=[checker.Consumer(GROUP, frozenset({topic_prefix + TOPIC}), frozenset({Touched.TYPE}))],
        lag=await group_lag(infra.kafka, topic_prefix))
    found = checker.check(history)

    assert dropped and crashed and dropped != crashed
    assert [v for v in found if v.startswith("lost:") and dropped in v], found
    assert [v for v in found if v.startswith(f"consumer {GROUP} never applied 1") and crashed in v], found
    assert checker.check_lag(history) == [], "the broken consumer's lag is 0: lag alone cannot see the loss"
    assert json.dumps(checker.figures(history))  # the figures a run reports
