"""The outbox on real PostgreSQL and Kafka: nothing rolled back is sent, nothing committed is lost."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select

from clinic_shared.db import OUTBOX
from clinic_shared.errors import Problem
from clinic_shared.events.envelope import decode
from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.plugin import eventually, read_topic

from .notes_service import NoteWritten, build, notes


async def test_rolled_back_transaction_publishes_nothing_and_committed_one_publishes_its_events_in_key_order(
    notes_settings: ServiceSettings,
) -> None:
    runtime, _ = build(notes_settings, consume=False)
    await runtime.start()
    try:
        with pytest.raises(Problem):
            async with runtime.transaction() as tx:
                await tx.session.execute(notes.insert().values(id="rolled-back", text="x"))
                await tx.publish(NoteWritten(note_id="rolled-back", key="k1", text="x"))
                raise Problem(409, "Conflict", "changed my mind")
        for i in range(10):
            async with runtime.transaction() as tx:
                await tx.publish(NoteWritten(note_id=f"n{i}", key=f"k{i % 2}", text=str(i)))
        topic = notes_settings.kafka_topic_prefix + NoteWritten.TOPIC
        records = await read_topic(notes_settings.kafka_bootstrap_servers, topic, expect=10)
    finally:
        await runtime.stop()
    events = [decode(r.headers, r.key, r.value) for r in records]
    assert sorted(e.data["note_id"] for e in events) == sorted(f"n{i}" for i in range(10))
    for key in ("k0", "k1"):
        in_order = [int(e.data["text"]) for e in events if e.key == key]
        assert in_order == sorted(in_order) and len(in_order) == 5
    async with runtime.sessions() as s:
        assert (await s.execute(select(notes).where(notes.c.id == "rolled-back"))).first() is None


KILLER = textwrap.dedent("""
    import asyncio, os, signal, sys
    sys.path.insert(0, os.environ["NOTES_PATH"])
    from clinic_shared.settings import ServiceSettings
    from notes_service import NoteWritten, build

    async def main():
        settings = ServiceSettings(database_url=os.environ["DB"], kafka_bootstrap_servers=os.environ["KAFKA"],
                                   kafka_topic_prefix=os.environ["PREFIX"], environment="test",
                                   outbox_poll_interval=3600)
        runtime, _ = build(settings, consume=False)
        await runtime.start()
        # Die at the worst moment: the transaction has committed, the relay has not yet sent.
        runtime.relay.notify = lambda: os.kill(os.getpid(), signal.SIGKILL)
        async with runtime.transaction() as tx:
            await tx.publish(NoteWritten(note_id="survivor", key="k", text="committed"))
        await asyncio.sleep(30)

    asyncio.run(main())
""")


async def test_process_killed_between_commit_and_publish_has_its_event_published_exactly_once_after_restart(
    notes_settings: ServiceSettings,
) -> None:
    env = {**os.environ, "DB": notes_settings.database_url, "KAFKA": notes_settings.kafka_bootstrap_servers,
           "PREFIX": notes_settings.kafka_topic_prefix, "NOTES_PATH": os.path.dirname(__file__)}
    proc = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", KILLER], env=env,
                                   capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    topic = notes_settings.kafka_topic_prefix + NoteWritten.TOPIC
    assert await read_topic(notes_settings.kafka_bootstrap_servers, topic, expect=1, timeout=2) == []

    runtime, _ = build(notes_settings, consume=False)  # the restart: its relay finds the row
    await runtime.start()
    try:
        records = await read_topic(notes_settings.kafka_bootstrap_servers, topic, expect=1)
        await asyncio.sleep(1.5)  # several relay polls: a second send would show up now
        records = await read_topic(notes_settings.kafka_bootstrap_servers, topic, expect=2, timeout=3)
        async with runtime.sessions() as s:
            unpublished = (await s.execute(select(OUTBOX.c.id).where(OUTBOX.c.published_at.is_(None)))).all()
    finally:
        await runtime.stop()
    assert [decode(r.headers, r.key, r.value).data["note_id"] for r in records] == ["survivor"]
    assert unpublished == []


async def test_relay_resends_rows_left_unconfirmed_when_the_broker_was_unreachable(
    notes_settings: ServiceSettings,
) -> None:
    runtime, _ = build(notes_settings, consume=False)
    await runtime.start()
    try:
        producer = runtime.relay.producer  # the relay owns its producer
        assert producer is not None
        real_send = producer.send
        failures = 0

        async def flaky_send(*args, **kwargs):  # the first two attempts never reach the broker
            nonlocal failures
            if failures < 2:
                failures += 1
                raise ConnectionError("broker unreachable")
            return await real_send(*args, **kwargs)

        producer.send = flaky_send  # type: ignore[method-assign]
        async with runtime.transaction() as tx:
            await tx.publish(NoteWritten(note_id="late", key="k", text="x"))
        topic = notes_settings.kafka_topic_prefix + NoteWritten.TOPIC
        records = await read_topic(notes_settings.kafka_bootstrap_servers, topic, expect=1, timeout=15)

        async def confirmed() -> bool:
            async with runtime.sessions() as s:
                return (await s.execute(select(OUTBOX.c.attempts, OUTBOX.c.published_at))).one()[1] is not None

        await eventually(confirmed)
    finally:
        await runtime.stop()
    assert failures == 2
    assert len(records) == 1
