"""One database transaction per polled batch, one SAVEPOINT per event (issue #12), on the real broker
and PostgreSQL: a failing event is rolled back and dead-lettered alone while the rest of its batch
keeps its effects, and an outage in the middle of a batch leaves nothing of it half-applied."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from clinic_shared.db import INBOX, OUTBOX
from clinic_shared.messaging.consumer import MessageContext, PermanentError, Subscription
from clinic_shared.messaging.kafka import ensure_topics
from clinic_shared.runtime import ServiceRuntime
from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import eventually

from .notes_service import NoteDeleted, NoteWritten, _bump, audits, effect_count, effects
from .test_consumer_faults import _database_refuses_logins, _letters, _note, _produce


class Seen:
    """What the handler saw: the session each note was applied with, and a gate for "hold"."""

    sessions: dict[str, int] = {}
    hold: asyncio.Event | None = None
    holding = False


async def apply_note(ctx: MessageContext, event: NoteWritten) -> None:
    """Every note writes its effect and stages one outbox event (a NoteDeleted: ignored by this
    group) BEFORE any failure, so a failing note leaves something a missing savepoint would keep."""
    Seen.sessions[event.note_id] = id(ctx.session)
    await _bump(ctx, effects, event.note_id)
    await ctx.publish(NoteDeleted(note_id=event.note_id, key=event.key))
    if event.text == "broken":
        raise PermanentError(f"note {event.note_id} cannot be applied")
    if event.text == "deferred":
        # Twice the same id under a DEFERRABLE INITIALLY DEFERRED unique constraint: every statement
        # succeeds, only the commit of the transaction holding them fails (23505, not an outage).
        for _ in range(2):
            await ctx.session.execute(text("INSERT INTO deferred_notes (id) VALUES (:id)"), {"id": event.note_id})
    if event.text == "hold" and Seen.hold is not None:
        Seen.holding = True
        await Seen.hold.wait()
        # The database was taken away meanwhile: this statement meets the outage.
        await _bump(ctx, audits, event.note_id)


def _runtime(settings: ServiceSettings) -> ServiceRuntime:
    subscription = Subscription("effects", ignore=[NoteDeleted])
    subscription.handler(apply_note)
    return ServiceRuntime(service="notes", settings=settings, publishes=[NoteWritten, NoteDeleted],
                          subscriptions=[subscription])


async def _staged(runtime: ServiceRuntime, note_id: str) -> int:
    """Outbox rows the handler staged for `note_id`."""
    async with runtime.sessions() as s:
        stmt = select(func.count()).select_from(OUTBOX).where(OUTBOX.c.payload.contains(f'"note_id":"{note_id}"'))
        return int((await s.execute(stmt)).scalar_one())


async def _claimed(runtime: ServiceRuntime) -> int:
    async with runtime.sessions() as s:
        stmt = select(func.count()).select_from(INBOX).where(INBOX.c.consumer == "notes.effects")
        return int((await s.execute(stmt)).scalar_one())


async def _topics(settings: ServiceSettings) -> None:
    """The topics exist before the records are produced (the runtime would create them at its start)."""
    topic = settings.kafka_topic_prefix + NoteWritten.TOPIC
    await ensure_topics(settings.kafka_bootstrap_servers, [topic, topic + ".dlq"], settings.kafka_topic_partitions)


def _settings(notes_settings: ServiceSettings) -> ServiceSettings:
    # Permanent errors are not retried; the bounded retries of others are tested in test_consumer_faults.
    return notes_settings.model_copy(update={"consumer_max_attempts": 2})


async def test_a_failing_event_in_the_middle_of_a_batch_is_dead_lettered_alone_and_the_others_applied_once(
    notes_settings: ServiceSettings,
) -> None:
    settings = _settings(notes_settings)
    Seen.sessions.clear()
    # Produced before the consumer starts, on one key (one partition): its first poll holds all five.
    await _topics(settings)
    await _produce(settings, [_note("one"), _note("two"), _note("bad", text="broken"), _note("four"),
                              _note("five")])
    runtime = _runtime(settings)
    await runtime.start()
    try:
        await eventually(lambda: effect_count(runtime, "five"), timeout=60)
        letters = await eventually(lambda: _letters(settings), timeout=30)
        # One poll, one session: the events shared the batch's transaction (the old policy opened one
        # session per event).
        assert len({Seen.sessions[n] for n in ("one", "two", "bad", "four", "five")}) == 1, Seen.sessions
        await asyncio.sleep(1)  # anything applied twice or dead-lettered again would show by now
        for note in ("one", "two", "four", "five"):
            assert await effect_count(runtime, note) == 1, note
            assert await _staged(runtime, note) == 1, note
        # The bad one's savepoint is rolled back: its effect and its outbox row are gone, and its
        # inbox claim too (a replay of its dead letter would apply it).
        assert await effect_count(runtime, "bad") == 0
        assert await _staged(runtime, "bad") == 0
        assert await _claimed(runtime) == 4
        letters = await _letters(settings)
        assert [d.error for d in letters] == ["PermanentError: note bad cannot be applied"]
        assert letters[0].headers["dlq_origin_offset"] == "2"
    finally:
        await runtime.stop()
    # Every offset was committed: a new consumer of the group re-reads nothing.
    again = _runtime(settings)
    await again.start()
    try:
        await _produce(settings, [_note("marker")])
        await eventually(lambda: effect_count(again, "marker"), timeout=60)
        for note in ("one", "two", "four", "five"):
            assert await effect_count(again, note) == 1, note
        assert await effect_count(again, "bad") == 0
        assert len(await _letters(settings)) == 1
    finally:
        await again.stop()


async def test_an_outage_in_the_middle_of_a_batch_commits_nothing_of_it_and_each_effect_lands_once_after(
    infra: Infra, notes_settings: ServiceSettings,
) -> None:
    settings = _settings(notes_settings)
    database = settings.database_url.rsplit("/", 1)[1]
    Seen.hold, Seen.holding = asyncio.Event(), False
    await _topics(settings)
    await _produce(settings, [_note("first"), _note("second"), _note("held", text="hold"), _note("last")])
    runtime = _runtime(settings)
    await runtime.start()
    try:
        async def holding() -> bool:
            return Seen.holding

        await eventually(holding, timeout=60)
        # "first" and "second" are applied in the open batch transaction, not committed.
        assert [await effect_count(runtime, n) for n in ("first", "second", "held")] == [0, 0, 0]
        assert await _staged(runtime, "first") == 0
        assert await _claimed(runtime) == 0
        await _database_refuses_logins(infra, database, True)  # ends the consumer's session too
        Seen.hold.set()
        await asyncio.sleep(3)  # the policy rolls back, rewinds to the batch's first offsets, waits
    finally:
        Seen.hold = None
        await _database_refuses_logins(infra, database, False)
    try:
        await eventually(lambda: effect_count(runtime, "last"), timeout=60)
        await asyncio.sleep(1)
        for note in ("first", "second", "held", "last"):
            assert await effect_count(runtime, note) == 1, note
            assert await _staged(runtime, note) == 1, note
        assert await _claimed(runtime) == 4
        assert await _letters(settings) == []
    finally:
        await runtime.stop()



async def test_a_batch_commit_refused_without_an_outage_is_applied_again_one_event_per_transaction(
    notes_settings: ServiceSettings,
) -> None:
    """Which event made the commit fail is unknown: the batch is re-read one transaction per event,
    the event at fault is retried then dead-lettered alone, the others are applied once."""
    settings = _settings(notes_settings)
    engine = create_async_engine(settings.database_url)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE deferred_notes (id varchar(64), "
                                "CONSTRAINT deferred_notes_id UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)"))
    await engine.dispose()
    await _topics(settings)
    await _produce(settings, [_note("alpha"), _note("late", text="deferred"), _note("omega")])
    runtime = _runtime(settings)
    await runtime.start()
    try:
        await eventually(lambda: effect_count(runtime, "omega"), timeout=60)
        letters = await eventually(lambda: _letters(settings), timeout=30)
        await asyncio.sleep(1)
        assert [await effect_count(runtime, n) for n in ("alpha", "late", "omega")] == [1, 0, 1]
        assert [await _staged(runtime, n) for n in ("alpha", "late", "omega")] == [1, 0, 1]
        assert await _claimed(runtime) == 2
        letters = await _letters(settings)
        assert len(letters) == 1 and letters[0].headers["dlq_origin_offset"] == "1", letters
        assert letters[0].error.startswith("IntegrityError"), letters[0].error
    finally:
        await runtime.stop()
