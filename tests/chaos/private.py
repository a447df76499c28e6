"""Private real parts for the nemesis: a Kafka broker with its own state dir and ports, and a
PostgreSQL cluster of its own (pg_createcluster), both on 127.0.0.1, started by the project's scripts
and removed at the end even on failure. The shared broker (9092) and cluster (15/main) are never
touched: other tests use them."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from clinic_shared.testing.infra import Infra, free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PrivateParts:
    infra: Infra
    env: dict[str, str]  # KAFKA_STATE_DIR/KAFKA_PORT/KAFKA_CONTROLLER_PORT/PG_CLUSTER/PGPORT for the scripts

    def script(self, name: str, command: str, timeout: float = 300) -> None:
        proc = subprocess.run(["bash", f"deploy/local/{name}.sh", command], cwd=ROOT,
                              env={**os.environ, **self.env}, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"{name}.sh {command} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")

    def kafka(self, command: str) -> None:  # start | stop
        self.script("kafka", command)

    def postgres(self, command: str) -> None:  # start | stop | restart | kill
        self.script("postgres", command)


@contextmanager
def private_parts(*, kafka: bool = True, localstripe_url: str | None = None) -> Iterator[PrivateParts]:
    run = uuid.uuid4().hex[:6]
    pg_port = free_port()
    env = {"PG_CLUSTER": f"chaos{run}", "PGPORT": str(pg_port)}
    if kafka:
        env |= {"KAFKA_STATE_DIR": str(ROOT / "var" / f"chaos-{run}" / "kafka"),
                "KAFKA_PORT": str(free_port()), "KAFKA_CONTROLLER_PORT": str(free_port())}
    infra = Infra(kafka=f"127.0.0.1:{env['KAFKA_PORT']}" if kafka else "", how="private parts",
                  pg_admin_url=f"postgresql://clinic:clinic@127.0.0.1:{pg_port}/postgres",
                  stripe_mock_url=os.environ.get("STRIPE_MOCK_URL"),
                  localstripe_url=localstripe_url or os.environ.get("LOCALSTRIPE_URL"))
    parts = PrivateParts(infra, env)
    try:
        parts.postgres("start")
        if kafka:
            parts.kafka("start")
        yield parts
    finally:
        errors = []
        if kafka:
            try:
                parts.kafka("remove")
                shutil.rmtree(Path(env["KAFKA_STATE_DIR"]).parent, ignore_errors=True)
            except Exception as exc:  # (still drop the cluster)
                errors.append(exc)
        try:
            parts.postgres("drop")
        except Exception as exc:
            errors.append(exc)
        if errors:
            raise RuntimeError(f"removing the private parts failed: {errors}")
