"""Defect 11 (consumer part): a SIGKILLed replica's restart waits for nothing.

A SIGKILLed member stays in its consumer group until its session times out; a new member's join
waits for that. The runtime before issue #9 awaited the join in its start (so HTTP answered only
after the session timeout: 29-33 s seen from outside); now consumers join in the background, and a
replica with a stable SERVICE_INSTANCE_ID (static membership) takes its partitions back at once.
The dead member here is a real process, killed with SIGKILL, with a 60 s session.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap

import httpx

from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.plugin import eventually

from .notes_service import build, effect_count
from .test_consumer_faults import _note, _produce

SESSION_MS = 60000


def _member_then_wait(settings: ServiceSettings, instance_id: str | None) -> subprocess.Popen[str]:
    """A process that joins the notes.effects group, says so, then waits to be killed."""
    code = textwrap.dedent(f"""
        import asyncio
        from aiokafka import AIOKafkaConsumer

        async def main():
            c = AIOKafkaConsumer({settings.kafka_topic_prefix + "test.notes.v1"!r},
                                 bootstrap_servers={settings.kafka_bootstrap_servers!r},
                                 group_id={settings.kafka_topic_prefix + "notes.effects"!r},
                                 group_instance_id={instance_id!r}, session_timeout_ms={SESSION_MS},
                                 heartbeat_interval_ms=3000, enable_auto_commit=False)
            await c.start()
            while not c.assignment():
                await c.getmany(timeout_ms=200)
            print("assigned", flush=True)
            await asyncio.sleep(600)

        asyncio.run(main())
    """)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


async def _kill_when_assigned(proc: subprocess.Popen[str]) -> None:
    line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), 90)  # type: ignore[union-attr]
    assert line.strip() == "assigned"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


async def test_http_is_served_while_the_group_still_holds_a_killed_member(notes_settings: ServiceSettings) -> None:
    # Topics first (the dead member subscribes to them).
    runtime, app = build(notes_settings, consume=False)
    await runtime.start()
    await runtime.stop()
    await _kill_when_assigned(_member_then_wait(notes_settings, None))
    runtime, app = build(notes_settings)
    # Well under the dead member's 60 s session: the start must not wait for the group.
    lifespan = app.router.lifespan_context(app)
    await asyncio.wait_for(lifespan.__aenter__(), 40)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            assert (await http.get("/healthz")).status_code == 200
        checks = await runtime.readiness()
        assert checks["database"] == "ok"
        # The event waits for the group (the dead member's session), not the HTTP side.
        await _produce(notes_settings, _note("after-kill"))
        await eventually(lambda: effect_count(runtime, "after-kill"), timeout=120)
    finally:
        await lifespan.__aexit__(None, None, None)


async def test_a_restarted_replica_with_a_stable_instance_id_takes_its_partitions_back_at_once(
    notes_settings: ServiceSettings,
) -> None:
    settings = notes_settings.model_copy(update={"service_instance_id": "notes-replica-1"})
    runtime, _ = build(settings, consume=False)
    await runtime.start()
    await runtime.stop()
    await _kill_when_assigned(_member_then_wait(settings, "notes-replica-1"))
    runtime, _ = build(settings)

    async def restart_and_apply() -> None:
        await runtime.start()
        await _produce(settings, _note("static"))
        await eventually(lambda: effect_count(runtime, "static"), timeout=SESSION_MS / 1000)

    try:
        # From the restart, half the dead member's session: a new dynamic member could not have
        # the partitions by then (its join waits for the dead member's session to end).
        await asyncio.wait_for(restart_and_apply(), SESSION_MS / 2000)
    finally:
        await runtime.stop()
