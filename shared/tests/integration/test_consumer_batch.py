"""The consumer policy's batch transaction on the real broker and PostgreSQL (issue #12): the records
of a polled batch share one transaction, each in a savepoint; a failing one is rolled back to its
savepoint and handled alone; an outage rolls back what the batch had not committed."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from clinic_shared.messaging.dlq import list_dead_letters
from clinic_shared.messaging.kafka import ensure_topics, with_dlqs
from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.harness import emit, producing
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import eventually

from .notes_service import NoteWritten, Switches, build, effect_count, effects
from .test_consumer_faults import _database_refuses_logins


def _note(note_id: str, text: str = "hello") -> NoteWritten:
    return NoteWritten(note_id=note_id, key="same-key", text=text)


def _count_inbox_commits(engine: Any) -> list[int]:
    """[committed transactions that claimed inbox ids (the consumer's, not the relay's), claim statements]."""
    commits = [0, 0]

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _seen(conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO INBOX"):
            conn.info["claimed"] = True
            commits[1] += 1

    @event.listens_for(engine.sync_engine, "commit")
    def _commit(conn):  # type: ignore[no-untyped-def]
        if conn.info.pop("claimed", False):
            commits[0] += 1

    @event.listens_for(engine.sync_engine, "rollback")
    def _rollback(conn):  # type: ignore[no-untyped-def]
        conn.info.pop("claimed", None)

    return commits


async def test_a_batch_commits_once_and_a_failing_event_is_rolled_back_to_its_savepoint_and_handled_alone(
    notes_settings: ServiceSettings,
) -> None:
    Switches.poison_fails = True
    Switches.attempts.clear()
    names = [f"n{i}" for i in range(40)]
    texts = {"n10": "half", "n25": "poison"}
    # All in the topic before the consumer starts: it polls them as one batch (or very few).
    await _topics(notes_settings)
    async with producing(notes_settings) as producer:
        ids = {}
        for name in names:
            ids[name] = await emit(notes_settings, _note(name, texts.get(name, "hello")), producer=producer)
        await emit(notes_settings, _note("n5"), producer=producer, event_id=ids["n5"])  # a redelivery
        await emit(notes_settings, _note("last"), producer=producer)
    runtime, _ = build(notes_settings)
    await runtime.start()
    try:
        commits = _count_inbox_commits(runtime.engine)
        await eventually(lambda: effect_count(runtime, "last"), timeout=60)
        good = [n for n in names if n not in texts]
        assert [await effect_count(runtime, n) for n in good] == [1] * len(good)
        # The half-applied note wrote its effect before failing: its savepoint took it back, each time.
        assert await effect_count(runtime, "n10") == 0
        assert await effect_count(runtime, "n25") == 0
        assert Switches.attempts["n10"] == notes_settings.consumer_max_attempts
        assert Switches.attempts["n25"] == notes_settings.consumer_max_attempts
        letters = await list_dead_letters(notes_settings.kafka_bootstrap_servers,
                                          notes_settings.kafka_topic_prefix + NoteWritten.TOPIC)
        assert sorted(d.error for d in letters) == ["RuntimeError: cannot handle note n25",
                                                    "RuntimeError: half-applied note n10"]
        # 40 applied events in a handful of transactions, not one each (per-event mode makes 40).
        assert commits[0] <= 10, commits[0]
        # The ids of a segment's records are claimed in one statement (per record: 40 and more).
        assert commits[1] <= 15, commits[1]
    finally:
        await runtime.stop()


async def test_an_outage_mid_batch_rolls_back_what_the_batch_had_not_committed_and_applies_each_once(
    infra: Infra, notes_settings: ServiceSettings,
) -> None:
    database = notes_settings.database_url.rsplit("/", 1)[1]
    Switches.attempts.clear()
    Switches.hold = asyncio.Event()
    names = ["a1", "a2", "a3", "a4", "held", "b1", "b2"]
    await _topics(notes_settings)
    async with producing(notes_settings) as producer:
        for name in names:
            await emit(notes_settings, _note(name, "hold" if name == "held" else "hello"), producer=producer)
    runtime, _ = build(notes_settings)
    await runtime.start()
    outside = create_async_engine(notes_settings.database_url, poolclass=NullPool)  # outlives the outage
    hold = Switches.hold
    try:
        try:
            await eventually(lambda: _attempted("held"), timeout=60)
            # The four before it are applied in the open batch transaction, not committed yet.
            async with outside.connect() as conn:
                seen = (await conn.execute(select(effects.c.note_id))).scalars().all()
            assert seen == []
            await _database_refuses_logins(infra, database, True)
            hold.set()
            await asyncio.sleep(3)
        finally:
            hold.set()
            Switches.hold = None
            await _database_refuses_logins(infra, database, False)
        await eventually(lambda: effect_count(runtime, "b2"), timeout=60)
        assert [await effect_count(runtime, n) for n in names] == [1] * len(names)
        async with outside.connect() as conn:
            claimed = (await conn.execute(text(
                "SELECT count(*) FROM inbox WHERE consumer = 'notes.effects'"))).scalar_one()
        assert claimed == len(names)
        assert await list_dead_letters(notes_settings.kafka_bootstrap_servers,
                                       notes_settings.kafka_topic_prefix + NoteWritten.TOPIC) == []
    finally:
        await outside.dispose()
        await runtime.stop()


async def _topics(settings: ServiceSettings) -> None:
    """The topic exists before anything is sent (the runtime would create it only when it starts)."""
    await ensure_topics(settings.kafka_bootstrap_servers,
                        with_dlqs([settings.kafka_topic_prefix + NoteWritten.TOPIC]), settings.kafka_topic_partitions)


async def _attempted(name: str) -> bool:
    return Switches.attempts.get(name, 0) >= 1
