"""The relay's batches on real PostgreSQL and Kafka (issue 12): every send of a batch is started before
any acknowledgement is awaited, the delivered rows are marked in one statement, and a row that fails,
at `send()` or on its future, costs only itself and the later rows of its key."""

from __future__ import annotations

from collections import Counter

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clinic_shared import db
from clinic_shared.db import OUTBOX
from clinic_shared.events.envelope import decode
from clinic_shared.messaging.kafka import ensure_topics
from clinic_shared.outbox.writer import add_event
from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.plugin import read_topic

from .notes_service import TOPIC, NoteWritten
from .test_relay import database, relay_for, rows, running_relay, texts_by_key

# A topic whose broker-side limit (max.message.bytes) is below what the producer lets through: send()
# takes the row, the broker refuses it, the row's future fails.
STRICT = "test.strict.v1"


async def stage_in_one_transaction(sessions: async_sessionmaker[AsyncSession], notes: list[tuple[str, str]]) -> None:
    async with sessions() as s, s.begin():
        for key, body in notes:
            await add_event(s, NoteWritten(note_id=f"{key}:{body[:24]}", key=key, text=body), source="/notes")


async def strict_topic(settings: ServiceSettings) -> str:
    name = settings.kafka_topic_prefix + STRICT
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name=name, num_partitions=1, replication_factor=1,
                                            topic_configs={"max.message.bytes": "4096"})])
    finally:
        await admin.close()
    return name


async def test_a_bad_row_in_the_middle_of_a_batch_costs_only_itself_and_the_later_rows_of_its_key(
    notes_settings: ServiceSettings,
) -> None:
    topic = notes_settings.kafka_topic_prefix + TOPIC
    await ensure_topics(notes_settings.kafka_bootstrap_servers, [topic], 3)
    strict = await strict_topic(notes_settings)
    big = "B" * 1_200_000    # above the producer's max_request_size: send() raises at once
    refused = "R" * 20_000   # below it, above the strict topic's max.message.bytes: the future fails
    notes: list[tuple[str, str]] = []
    for i in range(1, 6):  # five keys, five rows each, interleaved; the bad rows in the middle
        notes += [(f"K{k}", f"k{k}-{i}") for k in range(5)]
        if i == 2:
            notes += [("BIG", "big-1"), ("STRICT", "strict-1")]
        if i == 3:
            notes += [("BIG", big), ("STRICT", refused)]
        if i == 4:
            notes += [("BIG", "big-3"), ("STRICT", "strict-3")]
    async with database(notes_settings) as sessions:
        await stage_in_one_transaction(sessions, notes)
        async with sessions() as s, s.begin():
            await s.execute(update(OUTBOX).where(OUTBOX.c.key == "STRICT").values(topic=STRICT))
        relay = relay_for(notes_settings, sessions, topics=[TOPIC, STRICT], batch_size=100, max_attempts=3)
        try:
            assert await relay.leadership.refresh()
            sent = await relay.drain_once()  # ONE drain: one claim, one batch of sends, one mark
        finally:
            await relay.close()
        by_id = {r.id: r for r in await rows(sessions)}
        records = await read_topic(notes_settings.kafka_bootstrap_servers, topic, expect=26, timeout=15)
        strict_records = await read_topic(notes_settings.kafka_bootstrap_servers, strict, expect=1, timeout=5)

    good = [(k, b) for k, b in notes if k.startswith("K")]
    assert sent == len(good) + 2  # every other key's rows, and the rows of the bad keys before them
    ids = Counter(decode(r.headers, r.key, r.value).id for r in records)
    assert len(ids) == 26 and set(ids.values()) == {1}  # each delivered row exactly once
    assert texts_by_key(records) == {
        **{f"K{k}": [f"k{k}-{i}" for i in range(1, 6)] for k in range(5)}, "BIG": ["big-1"],
    }
    assert texts_by_key(strict_records) == {"STRICT": ["strict-1"]}
    published = [r for r in by_id.values() if r.state == db.STATE_PUBLISHED]
    assert len(published) == 27 and len({r.published_at for r in published}) == 1  # one mark for all
    bad_sync = next(r for r in by_id.values() if r.key == "BIG" and len(r.payload) > 1_000_000)
    bad_async = next(r for r in by_id.values() if r.key == "STRICT" and 10_000 < len(r.payload) < 1_000_000)
    for bad in (bad_sync, bad_async):  # recorded as the row's own fault: counts towards parking
        assert bad.state == db.STATE_PENDING and bad.attempts == 1, bad
        assert "TooLarge" in (bad.last_error or ""), bad.last_error
        assert bad.lease_owner is None
    for key in ("BIG", "STRICT"):  # the later row of each bad key: not sent, not counted, not leased
        follower = max((r for r in by_id.values() if r.key == key), key=lambda r: r.id)
        assert follower.state == db.STATE_PENDING and follower.attempts == 0 and follower.last_error is None
        assert follower.lease_owner is None


async def test_order_per_key_holds_across_pipelined_batches_on_the_real_broker(
    notes_settings: ServiceSettings,
) -> None:
    topic = notes_settings.kafka_topic_prefix + TOPIC
    await ensure_topics(notes_settings.kafka_bootstrap_servers, [topic], 3)
    keys, per_key = [f"P{k}" for k in range(7)], 90
    notes = [(key, f"{key}-{i:03d}") for i in range(per_key) for key in keys]
    async with database(notes_settings) as sessions:
        await stage_in_one_transaction(sessions, notes)
        drained: list[int] = []
        relay = relay_for(notes_settings, sessions, batch_size=100)
        real_drain = relay.drain_once

        async def counting_drain() -> int:
            n = await real_drain()
            if n:
                drained.append(n)
            return n

        relay.drain_once = counting_drain  # type: ignore[method-assign]
        async with running_relay(relay):
            records = await read_topic(notes_settings.kafka_bootstrap_servers, topic, expect=len(notes), timeout=60)
        left = [r for r in await rows(sessions) if r.state != db.STATE_PUBLISHED]
    assert left == []
    assert len(records) == len(notes)  # none lost, none doubled
    assert texts_by_key(records) == {key: [f"{key}-{i:03d}" for i in range(per_key)] for key in keys}
    assert len(drained) >= 6 and max(drained) == 100  # really batches of 100, more than one of them

