"""How long a SIGKILLed service takes to serve HTTP and to apply events again after its restart.

    uv run python bench/restart_probe.py [--root DIR] [--instance-id ID]

Runs the content service (it consumes two topics) as its own uvicorn process on the shared
broker and database (a fresh database and topic prefix), kills it with SIGKILL, restarts it at
once, and prints: seconds to /healthz, to /readyz, and until an event produced right after the
restart is applied (its inbox row). `--root` runs another checkout's code (e.g. the code before
the move to FastStream) for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from clinic_shared.events.envelope import ce_headers
from clinic_shared.events.pricing import PriceChanged

PORT = 28104


async def _inbox(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM inbox"))
    finally:
        await conn.close()


async def _wait(check, timeout: float = 120.0) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            if await check():
                return time.perf_counter() - started
        except Exception:  # not up yet
            pass
        await asyncio.sleep(0.05)
    return float("nan")


async def main(root: Path, instance_id: str | None) -> None:
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    admin = os.environ.get("POSTGRES_ADMIN_URL", "postgresql://clinic:clinic@127.0.0.1:5432/postgres")
    name, prefix = f"probe_{uuid.uuid4().hex[:8]}", f"probe{uuid.uuid4().hex[:6]}."
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    pg = admin.rsplit("/", 1)[0] + "/" + name
    url = pg.replace("postgresql://", "postgresql+asyncpg://", 1)
    env = {**os.environ, "CONTENT_DATABASE_URL": url, "KAFKA_TOPIC_PREFIX": prefix, "ENVIRONMENT": "test",
           "AUTH_JWT_SECRET": "probe-secret-not-a-placeholder", "LOG_LEVEL": "WARNING"}
    if instance_id:
        env["SERVICE_INSTANCE_ID"] = instance_id
    venv = root / ".venv" / "bin"
    subprocess.run([str(venv / "python"), "-m", "clinic_shared.migrate_cli", "services/content", url],
                   cwd=root, env=env, check=True, capture_output=True)
    log = open(f"/tmp/restart_probe_{name}.log", "ab")  # noqa: SIM115

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen([str(venv / "uvicorn"), "--factory", "content.bootstrap:create_app", "--host",
                                 "127.0.0.1", "--port", str(PORT), "--no-access-log"], cwd=root, env=env,
                                stdout=log, stderr=log)

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    n = 0

    async def produce() -> None:
        nonlocal n
        n += 1
        e = PriceChanged(sku=f"S{n}", unit_price=100 + n, currency="USD", version=n)
        await producer.send_and_wait(prefix + e.TOPIC, e.model_dump_json().encode(), key=e.sku.encode(),
                                     headers=ce_headers(event_id=str(uuid.uuid4()), event_type=e.TYPE,
                                                        source="/probe", time=e.occurred_at, subject=None))

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}", timeout=2) as http:
        async def healthy() -> bool:
            return (await http.get("/healthz")).status_code == 200

        async def ready() -> bool:
            return (await http.get("/readyz")).status_code == 200

        proc = start()
        try:
            first = await _wait(healthy)
            await produce()
            applied_first = await _wait(lambda: _applied(url, 1))
            print(f"first start: /healthz {first:.2f}s, first event applied {applied_first:.2f}s later")
            for round_ in (1, 2):
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                restarted = time.perf_counter()
                proc = start()
                await produce()
                h = await _wait(healthy)
                r = await _wait(ready)
                a = await _wait(lambda: _applied(url, n))
                print(f"SIGKILL + restart {round_}: /healthz {h:.2f}s, /readyz {r:.2f}s, "
                      f"event applied {a:.2f}s after the restart (total {time.perf_counter() - restarted:.2f}s)")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
            await producer.stop()
            conn = await asyncpg.connect(admin)
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.close()


async def _applied(url: str, n: int) -> bool:
    return await _inbox(url.replace("postgresql+asyncpg://", "postgresql://", 1)) >= n


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--instance-id", default=None)
    args = parser.parse_args()
    asyncio.run(main(args.root.resolve(), args.instance_id))
