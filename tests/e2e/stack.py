"""The whole platform as separate processes for end-to-end tests: the four services (uvicorn),
their own fresh PostgreSQL databases, a unique topic prefix on the real broker, localstripe for
payments, and an nginx gateway in front: the same scripts `make up` uses."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("catalog", "pricing", "cart", "content")
WEBHOOK_SECRET = "whsec_e2e_journey_secret"


@dataclass(frozen=True)
class Stack:
    gateway: str
    env: dict[str, str]
    state_dir: Path

    def logs(self) -> str:
        out = []
        for svc in SERVICES:
            log = self.state_dir / "log" / f"{svc}.log"
            if log.exists():
                out.append(f"--- {svc} ---\n" + "\n".join(log.read_text().splitlines()[-25:]))
        return "\n".join(out)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _databases(admin_url: str, names: list[str], create: bool) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        for name in names:
            await conn.execute(f'CREATE DATABASE "{name}"' if create else f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def _run(args: list[str], env: dict[str, str], what: str, stack: Stack | None = None) -> None:
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        logs = stack.logs() if stack else ""
        raise RuntimeError(f"{what} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}\n{logs}")


@contextmanager
def running_stack(infra: Infra, *, embedded: bool = False) -> Iterator[Stack]:
    """embedded=True: SQLite files, as `make up` runs; otherwise fresh PostgreSQL databases."""
    if not infra.localstripe_url:
        raise RuntimeError("the journey needs localstripe (LOCALSTRIPE_URL); deploy/local/stripe.sh starts it")
    run_id = uuid.uuid4().hex[:8]
    state = ROOT / "var" / f"e2e-{run_id}"
    dbs = {svc: f"e2e_{run_id}_{svc}" for svc in SERVICES}
    ports = {svc: _free_port() for svc in (*SERVICES, "gateway")}
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": infra.kafka, "KAFKA_TOPIC_PREFIX": f"e2e{run_id}.",
           "AUTH_JWT_SECRET": TEST_SECRET, "ENVIRONMENT": "test", "OUTBOX_POLL_INTERVAL": "0.5",
           "STRIPE_API_BASE": infra.localstripe_url, "STRIPE_API_KEY": "sk_test_e2e",
           "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "GATEWAY_STATE_DIR": str(state / "nginx"),
           "SERVICES_STATE_DIR": str(state), "GATEWAY_RATE": "2000r/s", "GATEWAY_BURST": "2000",
           "GATEWAY_PORT": str(ports["gateway"])}
    for svc in SERVICES:
        env[f"{svc.upper()}_DATABASE_URL"] = (
            f"sqlite+aiosqlite:///{state}/data/{svc}.db" if embedded else infra.database_url(dbs[svc]))
        env[f"{svc.upper()}_PORT"] = str(ports[svc])
    if not embedded:
        asyncio.run(_databases(infra.pg_admin_url, list(dbs.values()), create=True))
    gateway = f"http://127.0.0.1:{ports['gateway']}"
    stack = Stack(gateway=gateway, env=env, state_dir=state)
    try:
        _run(["bash", "deploy/local/services.sh", "start"], env, "starting the services", stack)
        _run(["bash", "deploy/local/gateway.sh", "start"], env, "starting the gateway", stack)
        hook = httpx.post(f"{infra.localstripe_url}/_config/webhooks/e2e{run_id}",
                          data={"url": f"{gateway}/webhooks/stripe", "secret": WEBHOOK_SECRET}, timeout=10)
        hook.raise_for_status()
        for svc in ("catalog", "pricing", "content"):
            _run([sys.executable, "-m", f"{svc}.demo.load", "--base-url", f"{gateway}/api/{svc}"], env,
                 f"loading the {svc} demo data", stack)
        yield stack
    finally:
        subprocess.run(["bash", "deploy/local/gateway.sh", "stop"], cwd=ROOT, env=env, capture_output=True)
        subprocess.run(["bash", "deploy/local/services.sh", "stop"], cwd=ROOT, env=env, capture_output=True)
        if not embedded:
            asyncio.run(_databases(infra.pg_admin_url, list(dbs.values()), create=False))
