"""The alert rules are valid and fire when they should (promtool, from Debian's prometheus package)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PROM = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail("promtool is missing: deploy/local/tools.sh installs it (apt package prometheus)")
    return path


def test_alert_rules_are_valid(promtool: str) -> None:
    proc = subprocess.run([promtool, "check", "rules", str(PROM / "alerts.yml")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SUCCESS: 6 rules found" in proc.stdout


def test_alert_rules_fire_in_their_unit_tests(promtool: str) -> None:
    proc = subprocess.run([promtool, "test", "rules", str(PROM / "alerts_test.yml")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
