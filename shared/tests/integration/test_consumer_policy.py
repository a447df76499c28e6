"""The consumer policy on real Kafka and PostgreSQL: idempotence, retries, the DLQ and its replay."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from clinic_shared.messaging.dlq import list_dead_letters
from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.harness import emit, producing
from clinic_shared.testing.plugin import eventually, read_topic

from .notes_service import NoteWritten, Switches, build, effect_count


def _note(note_id: str, text: str = "hello", key: str = "same-key") -> NoteWritten:
    return NoteWritten(note_id=note_id, key=key, text=text)


async def test_the_same_event_delivered_twice_changes_state_once(notes_settings: ServiceSettings) -> None:
    runtime, _ = build(notes_settings)
    await runtime.start()
    try:
        async with producing(notes_settings) as producer:
            await emit(notes_settings, _note("dup"), producer=producer, times=2)
            await emit(notes_settings, _note("after"), producer=producer)
        await eventually(lambda: effect_count(runtime, "after"))
        assert await effect_count(runtime, "dup") == 1
    finally:
        await runtime.stop()


async def test_poison_message_goes_to_dlq_after_retries_the_next_is_processed_and_replay_brings_it_back(
    notes_settings: ServiceSettings,
) -> None:
    Switches.poison_fails = True
    runtime, _ = build(notes_settings)
    await runtime.start()
    topic = notes_settings.kafka_topic_prefix + NoteWritten.TOPIC
    try:
        async with producing(notes_settings) as producer:
            await emit(notes_settings, _note("bad", text="poison"), producer=producer)
            await emit(notes_settings, _note("x"), producer=producer, value=b"{not json")
            await emit(notes_settings, _note("good"), producer=producer)
        await eventually(lambda: effect_count(runtime, "good"))
        assert await effect_count(runtime, "bad") == 0

        letters = await list_dead_letters(notes_settings.kafka_bootstrap_servers, topic)
        assert len(letters) == 2
        by_error = sorted(letters, key=lambda d: d.error)
        assert by_error[0].error.startswith("EnvelopeError: the value is not JSON")
        assert by_error[1].error == "RuntimeError: cannot handle note bad"
        assert {d.headers["dlq_origin_topic"] for d in letters} == {topic}
        assert all(d.headers["dlq_origin_offset"].isdigit() for d in letters)
        assert all(d.headers["dlq_consumer"] == "notes.effects" for d in letters)
        retries = [s for s in runtime.consumers][0]
        assert retries.name == "notes.effects"

        Switches.poison_fails = False  # the bug is fixed; ops replay the dead letters
        env = {**os.environ, "KAFKA_TOPIC_PREFIX": notes_settings.kafka_topic_prefix}
        proc = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "clinic_shared.messaging.dlq_cli", "replay", NoteWritten.TOPIC,
                             "--bootstrap", notes_settings.kafka_bootstrap_servers],
            env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert "replayed 2 message(s)" in proc.stderr
        await eventually(lambda: effect_count(runtime, "bad"))
        assert await effect_count(runtime, "bad") == 1

        # The unreadable one fails again and is back in the DLQ (it may land after "bad" is applied:
        # wait for it before stopping, or the stop races the third dead letter).
        async def three_letters() -> list[object]:
            found = await list_dead_letters(notes_settings.kafka_bootstrap_servers, topic)
            return found if len(found) >= 3 else []
        await eventually(three_letters, timeout=30, interval=0.5)
    finally:
        Switches.poison_fails = True
        await runtime.stop()
    # Nothing was replayed twice: exactly three dead letters, five records on the topic.
    letters = await list_dead_letters(notes_settings.kafka_bootstrap_servers, topic)
    assert len(letters) == 3
    records = await read_topic(notes_settings.kafka_bootstrap_servers, topic, expect=5, timeout=3)
    assert len(records) == 5
