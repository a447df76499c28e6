"""Defect 1, the way it was seen: PostgreSQL shutting down (`pg_ctlcluster ... stop -m smart`: new
logins get 57P03 "the database system is shutting down") and starting again, while a consumer
applies a backlog. Before issue #9 the consumer dead-lettered healthy events with
CannotConnectNowError; now nothing reaches the DLQ and every event is applied once after the restart.

The database is a PRIVATE PostgreSQL cluster (its own port and data directory, created and dropped
here with Debian's pg_createcluster, as root), never the shared one.
"""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.infra import Infra, free_port
from clinic_shared.testing.plugin import eventually

from .notes_service import Switches, build, effect_count, metadata
from .test_consumer_faults import _letters, _note, _produce


def _run(*cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(list(cmd), capture_output=True, text=True, timeout=180)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
async def private_postgres() -> AsyncIterator[tuple[str, int]]:
    name, port = f"consumer{uuid.uuid4().hex[:6]}", free_port()
    await asyncio.to_thread(_run, "pg_createcluster", "15", name, "-p", str(port), "--start",
                            "--", "--auth-local=trust", "--auth-host=scram-sha-256")
    try:
        await asyncio.to_thread(_run, "su", "postgres", "-c",
                                f"psql -p {port} -c \"CREATE ROLE clinic LOGIN SUPERUSER PASSWORD 'clinic'\"")
        yield name, port
    finally:
        await asyncio.to_thread(_run, "pg_ctlcluster", "15", name, "stop", "-m", "immediate", check=False)
        await asyncio.to_thread(_run, "pg_dropcluster", "15", name, "--stop", check=False)


async def test_a_postgres_shutdown_and_restart_dead_letters_nothing_and_applies_everything_once(
    infra: Infra, notes_settings: ServiceSettings, private_postgres: tuple[str, int],
) -> None:
    name, port = private_postgres
    admin_url = f"postgresql://clinic:clinic@127.0.0.1:{port}/postgres"
    conn = await asyncpg.connect(admin_url)
    await conn.execute('CREATE DATABASE "notes"')
    await conn.close()
    url = f"postgresql+asyncpg://clinic:clinic@127.0.0.1:{port}/notes"
    engine = create_async_engine(url)
    async with engine.begin() as c:
        await c.run_sync(metadata.create_all)
    await engine.dispose()
    settings = notes_settings.model_copy(update={"database_url": url})
    Switches.hold = asyncio.Event()
    Switches.attempts.clear()
    backlog = [f"n{i}" for i in range(20)]
    runtime, _ = build(settings)
    await runtime.start()
    stopping: subprocess.Popen[str] | None = None
    try:
        await _produce(settings, _note("held", text="hold"), *(_note(n) for n in backlog))

        async def held() -> bool:
            return Switches.attempts.get("held", 0) >= 1

        await eventually(held, timeout=60)
        keeper = await asyncpg.connect(admin_url)  # keeps the smart shutdown waiting: the 57P03 window
        stopping = subprocess.Popen(["pg_ctlcluster", "15", name, "stop", "-m", "smart"], text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)

        async def refuses_logins() -> bool:
            try:
                c = await asyncpg.connect(admin_url, timeout=5)
            except asyncpg.exceptions.CannotConnectNowError:
                return True
            await c.close()
            return False

        await eventually(refuses_logins, timeout=60, interval=0.2)
        # The service's pooled sessions end (57P01); every new one is refused (57P03).
        await keeper.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'")
        Switches.hold.set()
        await asyncio.sleep(8)  # far beyond the policy's retries: a dead letter would be written now
        assert await _letters(settings) == []
        await keeper.close()  # the shutdown completes
        await asyncio.to_thread(stopping.wait, 120)
        await asyncio.to_thread(_run, "pg_ctlcluster", "15", name, "start")
        for n in ["held", *backlog]:
            await eventually(lambda n=n: effect_count(runtime, n), timeout=120)
        assert [await effect_count(runtime, n) for n in ["held", *backlog]] == [1] * (1 + len(backlog))
        assert await _letters(settings) == []
    finally:
        Switches.hold = None
        if stopping is not None and stopping.poll() is None:
            stopping.kill()
        await runtime.stop()
