"""The whole platform as separate processes for end-to-end tests: the four services (uvicorn),
their own fresh PostgreSQL databases, a unique topic prefix on the real broker, localstripe for
payments, and an nginx gateway in front: the same scripts `make up` uses.

`running_stack(infra, replicas={"pricing": 2, "cart": 2})` runs several replicas of a service
(each its own port, pid file, log and SERVICE_INSTANCE_ID), all behind the gateway's upstream; the
fault harness passes the `Infra` of its private broker and PostgreSQL cluster."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
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
    ports: dict[str, list[int]]  # service -> its replicas' ports (replica n is ports[n-1], `<svc>-<n>`)

    def instances(self, service: str) -> list[str]:
        return [f"{service}-{n}" for n in range(1, len(self.ports[service]) + 1)]

    def pid(self, instance: str) -> int:
        return int((self.state_dir / "run" / f"{instance}.pid").read_text())

    def services(self, *args: str, timeout: float = 300) -> float:
        """deploy/local/services.sh ARGS... on this stack (start/kill/restart TARGET); returns seconds taken."""
        started = time.monotonic()
        _run(["bash", "deploy/local/services.sh", *args], self.env, f"services.sh {' '.join(args)}", self,
             timeout=timeout)
        return time.monotonic() - started

    def logs(self, lines: int = 25) -> str:
        out = []
        for svc in SERVICES:
            for instance in self.instances(svc):
                log = self.state_dir / "log" / f"{instance}.log"
                if log.exists():
                    out.append(f"--- {instance} ---\n" + "\n".join(log.read_text().splitlines()[-lines:]))
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


def _run(args: list[str], env: dict[str, str], what: str, stack: Stack | None = None, timeout: float = 600) -> None:
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        logs = stack.logs() if stack else ""
        raise RuntimeError(f"{what} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}\n{logs}")


@contextmanager
def running_stack(infra: Infra, *, embedded: bool = False, replicas: dict[str, int] | None = None,
                  extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """embedded=True: SQLite files, as `make up` runs; otherwise fresh PostgreSQL databases.
    replicas: how many processes of a service (default 1 each); extra_env: more settings for all."""
    if not infra.localstripe_url:
        raise RuntimeError("the journey needs localstripe (LOCALSTRIPE_URL); deploy/local/stripe.sh starts it")
    run_id = uuid.uuid4().hex[:8]
    state = ROOT / "var" / f"e2e-{run_id}"
    dbs = {svc: f"e2e_{run_id}_{svc}" for svc in SERVICES}
    counts = {svc: (replicas or {}).get(svc, 1) for svc in SERVICES}
    ports = {svc: [_free_port() for _ in range(counts[svc])] for svc in SERVICES}
    gateway_port = _free_port()
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": infra.kafka, "KAFKA_TOPIC_PREFIX": f"e2e{run_id}.",
           "AUTH_JWT_SECRET": TEST_SECRET, "ENVIRONMENT": "test", "OUTBOX_POLL_INTERVAL": "0.5",
           "STRIPE_API_BASE": infra.localstripe_url, "STRIPE_API_KEY": "sk_test_e2e",
           "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "GATEWAY_STATE_DIR": str(state / "nginx"),
           "SERVICES_STATE_DIR": str(state), "GATEWAY_RATE": "2000r/s", "GATEWAY_BURST": "2000",
           "GATEWAY_PORT": str(gateway_port), **(extra_env or {})}
    for svc in SERVICES:
        env[f"{svc.upper()}_DATABASE_URL"] = (
            f"sqlite+aiosqlite:///{state}/data/{svc}.db" if embedded else infra.database_url(dbs[svc]))
        env[f"{svc.upper()}_PORT"] = str(ports[svc][0])
        env[f"{svc.upper()}_REPLICAS"] = str(counts[svc])
        env[f"{svc.upper()}_PORTS"] = ",".join(map(str, ports[svc]))
    if not embedded:
        asyncio.run(_databases(infra.pg_admin_url, list(dbs.values()), create=True))
    gateway = f"http://127.0.0.1:{gateway_port}"
    stack = Stack(gateway=gateway, env=env, state_dir=state, ports=ports)
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
