"""deploy/local/kafka.sh never takes a running broker away from its users.

Seen in CI: a test started "a private broker" with other ports but the shared state dir; the script
found the shared broker running (same pid file), could not reach it on the new ports, and restarted it
there, so every later test lost the broker. Now the broker of a state dir that runs on other ports is
neither restarted nor stopped from another port: the call fails and says why. Shown here on a
private broker (its own state dir), so the shared one is never at stake.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_shared.testing.infra import free_port

ROOT = Path(__file__).resolve().parents[2]
KAFKA_SH = ROOT / "deploy" / "local" / "kafka.sh"

pytestmark = pytest.mark.integration


def _kafka(action: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(KAFKA_SH), action], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def private_broker() -> Iterator[dict[str, str]]:
    state = ROOT / "var" / "tests" / f"kafka-script-{os.getpid()}"
    env = {"KAFKA_STATE_DIR": str(state), "KAFKA_PORT": str(free_port()), "KAFKA_CONTROLLER_PORT": str(free_port())}
    started = _kafka("start", env)
    assert started.returncode == 0, started.stderr[-2000:]
    try:
        yield env
    finally:
        _kafka("remove", env)
        shutil.rmtree(state, ignore_errors=True)


@pytest.mark.parametrize("action", ["start", "stop"])
def test_a_running_broker_is_not_restarted_or_stopped_from_other_ports(private_broker: dict[str, str],
                                                                       action: str) -> None:
    pid = (Path(private_broker["KAFKA_STATE_DIR"]) / "kafka.pid").read_text().strip()
    other_ports = {**private_broker, "KAFKA_PORT": str(free_port()), "KAFKA_CONTROLLER_PORT": str(free_port())}
    proc = _kafka(action, other_ports)
    assert proc.returncode != 0
    assert "needs its own KAFKA_STATE_DIR" in proc.stderr, proc.stderr[-2000:]
    status = _kafka("status", private_broker)
    assert status.returncode == 0 and f"127.0.0.1:{private_broker['KAFKA_PORT']}" in status.stdout, status.stdout
    assert (Path(private_broker["KAFKA_STATE_DIR"]) / "kafka.pid").read_text().strip() == pid
