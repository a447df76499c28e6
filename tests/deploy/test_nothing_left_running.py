"""After `infra.sh up` then `infra.sh down`, and after a stack's start then `down.sh`, no process of
the project is left running; `services.sh` refuses a taken port naming its owner.

Seen before: `make infra-down` after `make test` left stripe-mock and localstripe running ("no pid
file"). Every script here runs against PRIVATE instances (own state dirs, own ports, own PostgreSQL
cluster), so the shared Kafka, PostgreSQL and Stripe mocks other tests use are never stopped. What
counts as "of the project" is read from /proc: a process whose command line names a private state
dir, cluster or port, whose working directory is in a private state dir, or that listens on a
private port (nginx workers).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from clinic_shared.testing.infra import free_port

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / "deploy" / "local"

pytestmark = pytest.mark.integration

# Variables that point the scripts at the shared parts: never inherited here.
_SHARED = ("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "KAFKA_STATE_DIR", "PGPORT",
           "PG_CLUSTER", "POSTGRES_ADMIN_URL", "STRIPE_MOCK_PORT", "STRIPE_MOCK_HTTPS_PORT", "LOCALSTRIPE_PORT",
           "STRIPE_STATE_DIR", "STRIPE_API_BASE", "STRIPE_MOCK_URL", "LOCALSTRIPE_URL", "GATEWAY_PORT",
           "GATEWAY_STATE_DIR", "SERVICES_STATE_DIR")


@dataclass
class Private:
    """One private set of parts: the environment for the scripts and what identifies its processes."""

    state: Path
    env: dict[str, str] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)  # substrings of their command lines
    ports: list[int] = field(default_factory=list)
    seen: dict[int, str] = field(default_factory=dict)  # the snapshot taken while they run

    def snapshot(self) -> dict[int, str]:
        self.seen = self.processes()
        return self.seen

    def _ours(self, pid: int, description: str) -> bool:
        # A new process that matches a port only is not counted: a free port, once released, may be
        # taken by anyone else's process on this shared machine; the state dir and cluster are ours alone.
        return self.seen.get(pid) == description or str(self.state) in description or any(
            m in description for m in self.markers if m.startswith("/left"))

    def leftovers(self) -> dict[int, str]:
        """What still runs of the snapshot, plus any process that names a private state dir or cluster."""
        return {pid: d for pid, d in self.processes().items() if self._ours(pid, d)}

    def run(self, script: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", str(LOCAL / script), *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def ok(self, script: str, *args: str, timeout: float = 300) -> str:
        proc = self.run(script, *args, timeout=timeout)
        assert proc.returncode == 0, f"{script} {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
        return proc.stderr

    def processes(self) -> dict[int, str]:
        """pid -> command line of every live process that belongs to these private parts."""
        found: dict[int, str] = {}
        listeners = _listener_pids(self.ports)
        own = {os.getpid(), os.getppid()}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) in own:
                continue
            pid = int(entry.name)
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                    continue  # dead, waiting to be reaped
                cwd = os.readlink(entry / "cwd")
            except OSError:
                continue  # gone meanwhile, or a kernel thread
            if (pid in listeners or any(m in cmdline for m in self.markers)
                    or Path(cwd).is_relative_to(self.state)):
                found[pid] = cmdline.strip() + (f" [cwd {cwd}]" if Path(cwd).is_relative_to(self.state) else "")
        return found

    def kill_leftovers(self) -> None:
        for pid in self.leftovers():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def _listener_pids(ports: list[int]) -> set[int]:
    out = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True, timeout=30).stdout
    pids: set[int] = set()
    for line in out.splitlines():
        cols = line.split()
        if len(cols) >= 4 and cols[3].rsplit(":", 1)[-1] in {str(p) for p in ports}:
            pids |= {int(p.split("=")[1]) for p in line.split(",") if p.startswith("pid=")}
    return pids


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SHARED and not k.endswith("_DATABASE_URL")}
    return env | {"ENVIRONMENT": "test"}


def _with_stripe(p: Private) -> None:
    mock, https, ls = free_port(), free_port(), free_port()
    p.env |= {"STRIPE_STATE_DIR": str(p.state / "stripe"), "STRIPE_MOCK_PORT": str(mock),
              "STRIPE_MOCK_HTTPS_PORT": str(https), "LOCALSTRIPE_PORT": str(ls)}
    p.markers += [f"-http-addr 127.0.0.1:{mock} ", f"--port {ls} "]
    p.ports += [mock, https, ls]


def _with_kafka(p: Private) -> None:
    port, controller = free_port(), free_port()
    p.env |= {"KAFKA_STATE_DIR": str(p.state / "kafka"), "KAFKA_PORT": str(port), "KAFKA_CONTROLLER_PORT": str(controller)}
    p.markers.append(str(p.state / "kafka"))
    p.ports += [port, controller]


@pytest.fixture
def private() -> Iterator[Private]:
    run = uuid.uuid4().hex[:8]
    p = Private(state=ROOT / "var" / "tests" / f"left-{run}", env=_base_env())
    p.state.mkdir(parents=True)
    try:
        yield p
    finally:
        p.kill_leftovers()
        if "PG_CLUSTER" in p.env:
            p.run("postgres.sh", "drop")
        if "KAFKA_STATE_DIR" in p.env:
            p.run("kafka.sh", "remove")
        shutil.rmtree(p.state, ignore_errors=True)


def test_infra_up_then_down_leaves_nothing_running(private: Private) -> None:
    cluster, pg_port = f"left{uuid.uuid4().hex[:8]}", free_port()
    private.env |= {"PG_CLUSTER": cluster, "PGPORT": str(pg_port)}
    private.markers.append(f"/{cluster}")  # postgres -D /var/lib/postgresql/<v>/<cluster>; "postgres: <v>/<cluster>: ..."
    private.ports.append(pg_port)
    _with_kafka(private)
    _with_stripe(private)

    private.ok("infra.sh", "up")
    running = private.snapshot()
    # The control: the listing sees every part while it runs (else "nothing left" would prove nothing).
    for part in ("kafka.Kafka", f"{cluster}", "stripe-mock", "localstripe_serve.py"):
        assert part in " | ".join(running.values()), f"{part} not found among the private processes: {running}"

    (private.state / "kafka" / "kafka.pid").unlink()  # lost (a start cut short): the broker is still found
    private.ok("infra.sh", "down")
    assert private.leftovers() == {}


def test_stripe_stop_finds_mocks_whose_pid_files_were_lost(private: Private) -> None:
    _with_stripe(private)
    private.ok("stripe.sh", "start")
    pids = [private.state / "stripe" / f"{name}.pid" for name in ("stripe-mock", "localstripe")]
    assert all(f.is_file() for f in pids), "stripe.sh recorded no pid in its state dir"
    running = private.snapshot()
    assert len(running) == 2, running

    for f in pids:  # lost: a removed var/, a start cut short
        f.unlink()
    private.ok("stripe.sh", "stop")
    assert private.leftovers() == {}


def test_a_stack_then_down_sh_leaves_nothing_running(private: Private) -> None:
    """What `make up` starts besides Kafka (covered above), then `make down`'s script; SQLite files."""
    _with_kafka(private)  # (down.sh stops Kafka too: it must be a private one, here never started)
    _with_stripe(private)
    service_port, gateway_port = free_port(), free_port()
    private.env |= {"SERVICES_STATE_DIR": str(private.state), "CATALOG_PORT": str(service_port),
                    "GATEWAY_STATE_DIR": str(private.state / "nginx"), "GATEWAY_PORT": str(gateway_port),
                    "CATALOG_DATABASE_URL": f"sqlite+aiosqlite:///{private.state}/catalog.db",
                    "KAFKA_BOOTSTRAP_SERVERS": os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                    "KAFKA_TOPIC_PREFIX": f"left{uuid.uuid4().hex[:6]}.",
                    "STRIPE_API_BASE": f"http://127.0.0.1:{private.env['LOCALSTRIPE_PORT']}"}
    private.markers += [f"--port {service_port} ", str(private.state / "nginx")]
    private.ports += [service_port, gateway_port]

    private.ok("stripe.sh", "start")
    private.ok("services.sh", "start", "catalog")
    private.ok("gateway.sh", "start")
    running = private.snapshot()
    for part in ("stripe-mock", "localstripe_serve.py", "catalog.bootstrap", "nginx: master", "nginx: worker"):
        assert part in " | ".join(running.values()), f"{part} not found among the private processes: {running}"

    private.ok("down.sh")
    assert private.leftovers() == {}


def test_services_refuse_a_taken_port_naming_its_owner(private: Private) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        private.env |= {"SERVICES_STATE_DIR": str(private.state), "PRICING_PORT": str(port),
                        "PRICING_DATABASE_URL": f"sqlite+aiosqlite:///{private.state}/pricing.db"}
        private.markers.append(f"--port {port} ")
        proc = private.run("services.sh", "start", "pricing", timeout=60)
        assert proc.returncode != 0
        assert f"port {port} for pricing-1 is taken" in proc.stderr and f"pid={os.getpid()}" in proc.stderr, proc.stderr
        assert not (private.state / "run" / "pricing-1.pid").exists()
        assert private.processes() == {}
