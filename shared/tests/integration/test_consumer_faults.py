"""Faults the consumer policy must survive, each on the real broker and PostgreSQL (issue #9).

Every test here also runs against the policy as it was before issue #9 (see the report of that
change): there each fails, which is the point of it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import text

from clinic_shared.messaging.dlq import list_dead_letters
from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.harness import emit, producing
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import eventually

from .notes_service import NoteDeleted, NoteWritten, Switches, audits, build, effect_count


def _note(note_id: str, text: str = "hello", key: str = "same-key") -> NoteWritten:
    return NoteWritten(note_id=note_id, key=key, text=text)


async def _produce(settings: ServiceSettings, *records: NoteWritten | NoteDeleted | tuple[NoteWritten, dict]) -> None:
    """Send records in a row on one producer; (event, {"event_type": ...} or {"value": ...}) alters one."""
    async with producing(settings) as producer:
        for record in records:
            event, alter = record if isinstance(record, tuple) else (record, {})
            await emit(settings, event, producer=producer, **alter)


def _topic(settings: ServiceSettings) -> str:
    return settings.kafka_topic_prefix + NoteWritten.TOPIC


async def _letters(settings: ServiceSettings) -> list:
    return await list_dead_letters(settings.kafka_bootstrap_servers, _topic(settings))


async def _database_refuses_logins(infra: Infra, database: str, refuse: bool) -> None:
    """ALLOW_CONNECTIONS false, then end every session of that database (57P01 to each of them)."""
    conn = await asyncpg.connect(infra.pg_admin_url)
    try:
        await conn.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {"false" if refuse else "true"}')
        if refuse:
            await conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = $1 AND pid <> pg_backend_pid()", database)
    finally:
        await conn.close()


async def test_a_database_outage_mid_handler_dead_letters_nothing_and_the_event_is_applied_after(
    infra: Infra, notes_settings: ServiceSettings,
) -> None:
    """Defect 1: the handler's session is terminated (57P01, AdminShutdownError) and new logins are
    refused while the database is away. Before the fix, the retries met the refusals and the
    healthy event went to the DLQ; now the consumer rewinds and waits, and applies it once."""
    database = notes_settings.database_url.rsplit("/", 1)[1]
    Switches.hold = asyncio.Event()
    runtime, _ = build(notes_settings)
    await runtime.start()
    try:
        await _produce(notes_settings, _note("held", text="hold"), _note("after-held"))

        async def held() -> bool:
            return Switches.attempts.get("held", 0) >= 1

        await eventually(held, timeout=60)
        await _database_refuses_logins(infra, database, True)
        Switches.hold.set()
        # Well past every retry and backoff of the policy (3 attempts, 0.01 s backoff): a dead
        # letter would have been written by now.
        await asyncio.sleep(5)
        assert await _letters(notes_settings) == []
    finally:
        Switches.hold = None
        await _database_refuses_logins(infra, database, False)
    try:
        await eventually(lambda: effect_count(runtime, "after-held"), timeout=60)
        assert await effect_count(runtime, "held") == 1
        assert await _letters(notes_settings) == []
    finally:
        await runtime.stop()


async def test_unknown_event_types_are_dead_lettered_with_their_reason_and_declared_ones_ignored(
    notes_settings: ServiceSettings,
) -> None:
    """Defect 9: a v2 the subscription does not know is dead-lettered (it was committed and lost);
    a type the subscription declares ignored is committed without a dead letter."""
    runtime, _ = build(notes_settings)
    await runtime.start()
    try:
        ignored = NoteDeleted(note_id="d", key="same-key")
        await _produce(notes_settings, (_note("v2"), {"event_type": "clinic.test.note-written.v2"}), ignored,
                       _note("last"))
        await eventually(lambda: effect_count(runtime, "last"), timeout=60)
        letters = await eventually(lambda: _letters(notes_settings), timeout=30)
        assert len(letters) == 1
        assert letters[0].event_type == "clinic.test.note-written.v2"
        assert "unknown event type clinic.test.note-written.v2" in letters[0].error
        assert letters[0].headers["dlq_consumer"] == "notes.effects"
    finally:
        await runtime.stop()


async def test_a_handler_timeout_is_retried_then_dead_lettered_not_looped_as_an_outage(
    notes_settings: ServiceSettings,
) -> None:
    """Defect 9: TimeoutError is an OSError; it was taken for a database outage and re-read forever."""
    Switches.attempts.clear()
    runtime, _ = build(notes_settings)
    await runtime.start()
    try:
        await _produce(notes_settings, _note("slow", text="timeout"), _note("next"))
        await eventually(lambda: effect_count(runtime, "next"), timeout=60)
        letters = await _letters(notes_settings)
        assert [d.error for d in letters] == ["TimeoutError: an outside call timed out for note slow"]
        assert Switches.attempts["slow"] == notes_settings.consumer_max_attempts
    finally:
        await runtime.stop()


async def test_replay_reaches_only_the_group_that_dead_lettered_so_letters_never_multiply(
    notes_settings: ServiceSettings,
) -> None:
    """Defect 5: an unreadable message dead-lettered by two groups gave 2 letters; a replay sent
    both copies to both groups, giving 4 more (2 -> 6 -> 18). Now each copy reaches its group only."""
    runtime, _ = build(notes_settings, audit=True)
    await runtime.start()
    try:
        await _produce(notes_settings, (_note("x"), {"value": b"{not json"}), _note("marker"))
        await eventually(lambda: effect_count(runtime, "marker"), timeout=60)
        await eventually(lambda: effect_count(runtime, "marker", audits), timeout=60)
        letters = await eventually(lambda: _letters(notes_settings), timeout=30)
        assert sorted(d.headers["dlq_consumer"] for d in letters) == ["notes.audit", "notes.effects"]

        env = {**os.environ, "KAFKA_TOPIC_PREFIX": notes_settings.kafka_topic_prefix}
        proc = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "clinic_shared.messaging.dlq_cli", "replay", NoteWritten.TOPIC,
                             "--bootstrap", notes_settings.kafka_bootstrap_servers],
            env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert "replayed 2 message(s)" in proc.stderr, proc.stdout
        await _produce(notes_settings, _note("marker2"))
        await eventually(lambda: effect_count(runtime, "marker2"), timeout=60)
        await eventually(lambda: effect_count(runtime, "marker2", audits), timeout=60)

        async def settled() -> list:
            found = await _letters(notes_settings)
            return found if len(found) >= 4 else []

        letters = await eventually(settled, timeout=30)
        await asyncio.sleep(1)
        letters = await _letters(notes_settings)
        assert sorted(d.headers["dlq_consumer"] for d in letters) == [
            "notes.audit", "notes.audit", "notes.effects", "notes.effects"]
    finally:
        await runtime.stop()


async def test_a_dead_letter_the_broker_refuses_for_good_is_parked_and_its_partition_paused(
    infra: Infra, notes_settings: ServiceSettings,
) -> None:
    """Defect 3 (DLQ part): the DLQ accepts at most 2,000 bytes; the poison message is bigger.
    The DLQ writer retried every KafkaError forever and blocked the subscription; now the record
    is parked in the database and its partition paused (nothing after it is applied: order holds)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka)
    await admin.start()
    try:
        await admin.create_topics([
            NewTopic(_topic(notes_settings), 1, 1),
            NewTopic(_topic(notes_settings) + ".dlq", 1, 1, topic_configs={"max.message.bytes": "2000"}),
        ])
    finally:
        await admin.close()
    runtime, _ = build(notes_settings)
    await runtime.start()
    try:
        await _produce(notes_settings, _note("big", text="poison" + " " * 0), _note("after-big"))
        await _produce(notes_settings, (_note("y"), {"value": b"{" + b"x" * 5000}), _note("after-huge"))

        async def parked() -> list:
            async with runtime.sessions() as s:
                return list((await s.execute(text("SELECT topic, error FROM dead_letter_parked"))).all())

        rows = await eventually(parked, timeout=60)
        assert len(rows) == 1 and "MessageSizeTooLarge" in rows[0][1], rows
        checks = await eventually(lambda: _paused(runtime), timeout=30)
        assert "paused" in checks["consumer:notes.effects"]
        # The small poison before it was dead-lettered normally; nothing after the parked one ran.
        assert await effect_count(runtime, "after-big") == 1
        await asyncio.sleep(2)
        assert await effect_count(runtime, "after-huge") == 0
    finally:
        await runtime.stop()


async def _paused(runtime) -> dict[str, str] | None:  # type: ignore[no-untyped-def]
    checks = await runtime.readiness()
    return checks if "paused" in checks.get("consumer:notes.effects", "") else None
