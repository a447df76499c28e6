"""Defect 2: the database and the broker fail together while a batch is being applied.

The policy before issue #9 rewound by asking the broker (`beginning_offsets`, `committed`); with the
broker away that raised, the loop went on from the client's position (already past the batch) and
the next commit skipped the unapplied records for good. Now the rewind is a local seek to the
batch's own first offsets, retried until it succeeds. This test stops and restarts a private
broker (its own ports and data under var/), never the shared one.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import eventually

from .notes_service import Switches, build, effect_count
from .test_consumer_faults import _database_refuses_logins, _letters, _note, _produce

ROOT = Path(__file__).resolve().parents[3]
PORT, CONTROLLER_PORT = os.environ.get("PRIVATE_KAFKA_PORT", "29392"), os.environ.get("PRIVATE_KAFKA_CONTROLLER_PORT",
                                                                                       "29393")


STATE_DIR = ROOT / "var" / "tests" / f"kafka-rewind-{PORT}"


def _kafka(action: str) -> None:
    # Its own state dir (pid file, data, log): with the shared one, `stop` would stop the shared broker.
    env = {**os.environ, "KAFKA_STATE_DIR": str(STATE_DIR), "KAFKA_PORT": PORT,
           "KAFKA_CONTROLLER_PORT": CONTROLLER_PORT}
    proc = subprocess.run(["bash", str(ROOT / "deploy" / "local" / "kafka.sh"), action], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"private Kafka {action} failed:\n{proc.stderr[-2000:]}"


@pytest.fixture
async def private_kafka() -> AsyncIterator[str]:
    await asyncio.to_thread(_kafka, "start")
    try:
        yield f"127.0.0.1:{PORT}"
    finally:
        await asyncio.to_thread(_kafka, "remove")


async def test_a_rewind_while_the_broker_and_the_database_are_both_down_loses_nothing(
    infra: Infra, notes_settings: ServiceSettings, private_kafka: str,
) -> None:
    settings = notes_settings.model_copy(update={"kafka_bootstrap_servers": private_kafka})
    database = settings.database_url.rsplit("/", 1)[1]
    Switches.hold = asyncio.Event()
    Switches.attempts.clear()
    runtime, _ = build(settings)
    await runtime.start()
    try:
        # Same key, same partition, one poll: "held" waits inside its transaction.
        await _produce(settings, _note("held", text="hold"), _note("behind"))

        async def held() -> bool:
            return Switches.attempts.get("held", 0) >= 1

        await eventually(held, timeout=60)
        await _database_refuses_logins(infra, database, True)
        await asyncio.to_thread(_kafka, "stop")
        Switches.hold.set()
        await asyncio.sleep(3)  # the handler fails, the policy rewinds with the broker away
        Switches.hold = None
        await _database_refuses_logins(infra, database, False)
        await asyncio.sleep(3)  # the loop resumes while the broker is still away
        await asyncio.to_thread(_kafka, "start")
        # A later record is applied and committed: a lost position would now be skipped for good.
        await _produce(settings, _note("later"))
        await eventually(lambda: effect_count(runtime, "later"), timeout=120)
        await eventually(lambda: effect_count(runtime, "held"), timeout=60)
        assert await effect_count(runtime, "held") == 1
        assert await effect_count(runtime, "behind") == 1
        assert await _letters(settings) == []
    finally:
        Switches.hold = None
        await _database_refuses_logins(infra, database, False)
        await runtime.stop()
