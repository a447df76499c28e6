"""deploy/local/kafka.sh never takes the shared broker away from its users.

Seen in CI: a test started "a private broker" with other ports but the shared state dir; the script
found the shared broker running (same pid file), could not reach it on the new port, and restarted it
there, so every later test lost the broker. Now a broker of a state dir that runs on other ports is
neither restarted nor stopped from another port: the call fails and says why.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from clinic_shared.testing.infra import Infra

ROOT = Path(__file__).resolve().parents[2]
KAFKA_SH = ROOT / "deploy" / "local" / "kafka.sh"

pytestmark = pytest.mark.integration


def _kafka(action: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(KAFKA_SH), action], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


def _shared_pid() -> str:
    return (ROOT / "var" / "kafka" / "kafka.pid").read_text().strip()


@pytest.mark.parametrize("action", ["start", "stop"])
def test_other_ports_on_the_shared_state_dir_are_refused(infra: Infra, action: str) -> None:
    if not (ROOT / "var" / "kafka" / "kafka.pid").exists():
        pytest.fail("the shared broker of this checkout is not running (make test starts it)")
    before = _shared_pid()
    proc = _kafka(action, KAFKA_PORT="29492", KAFKA_CONTROLLER_PORT="29493")
    assert proc.returncode != 0
    assert "needs its own KAFKA_STATE_DIR" in proc.stderr
    status = _kafka("status")
    assert status.returncode == 0 and "127.0.0.1:9092" in status.stdout, status.stdout
    assert _shared_pid() == before
