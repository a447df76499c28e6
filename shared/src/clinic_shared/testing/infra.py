"""Finding the real parts for tests, in this order: the environment; testcontainers where a Docker
engine answers; otherwise the project's own scripts in deploy/local/. If none works, tests fail
loudly with which part and why; nothing is faked and nothing is skipped.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient


class InfraError(RuntimeError):
    pass


@dataclass(frozen=True)
class Infra:
    kafka: str
    pg_admin_url: str  # postgresql://user:pass@host:port/postgres
    stripe_mock_url: str | None
    localstripe_url: str | None
    how: str

    def database_url(self, name: str) -> str:
        base = self.pg_admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
        return f"{base}/{name}"


def _from_env() -> Infra | None:
    kafka, pg = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("POSTGRES_ADMIN_URL")
    if not (kafka and pg):
        return None
    return Infra(kafka, pg, os.environ.get("STRIPE_MOCK_URL"), os.environ.get("LOCALSTRIPE_URL"), "environment")


def _docker_answers() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _from_testcontainers() -> Infra:  # pragma: no cover - only where a Docker engine runs
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    kafka = KafkaContainer("apache/kafka:4.1.0").with_kraft()
    pg = PostgresContainer("postgres:15", username="clinic", password="clinic", dbname="postgres")
    kafka.start()
    pg.start()
    pg_url = pg.get_connection_url().replace("postgresql+psycopg2://", "postgresql://")
    return Infra(kafka.get_bootstrap_server(), pg_url, os.environ.get("STRIPE_MOCK_URL"),
                 os.environ.get("LOCALSTRIPE_URL"), "testcontainers")


def _from_scripts(root: Path) -> Infra:
    script = root / "deploy" / "local" / "infra.sh"
    proc = subprocess.run(["bash", str(script), "up"], capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise InfraError(f"{script} up failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    env = {}
    for line in proc.stdout.splitlines():
        if line.startswith("export ") and "=" in line:
            k, v = line[len("export "):].split("=", 1)
            env[k] = v.strip().strip("'\"")
    os.environ.update(env)
    found = _from_env()
    if found is None:
        raise InfraError(f"{script} up printed no KAFKA_BOOTSTRAP_SERVERS/POSTGRES_ADMIN_URL:\n{proc.stdout}")
    return Infra(found.kafka, found.pg_admin_url, found.stripe_mock_url, found.localstripe_url, "local scripts")


async def _check(infra: Infra) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka, request_timeout_ms=10000)
    try:
        await asyncio.wait_for(admin.start(), 30)
        await admin.list_topics()
    except Exception as exc:
        raise InfraError(f"Kafka at {infra.kafka} ({infra.how}) does not answer: {exc!r}") from exc
    finally:
        await admin.close()
    try:
        conn = await asyncpg.connect(infra.pg_admin_url, timeout=10)
        await conn.close()
    except Exception as exc:
        raise InfraError(f"PostgreSQL ({infra.how}) does not answer: {exc!r}") from exc


def discover(root: Path) -> Infra:
    infra = _from_env() or (_from_testcontainers() if _docker_answers() else _from_scripts(root))
    asyncio.run(_check(infra))
    return infra


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (for a private part), never one this
    process was given before: the kernel hands a just-released ephemeral port out again, and a test
    that asked for a broker port and a controller port in a row once got the same one twice (the
    private Kafka then failed to start)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port
