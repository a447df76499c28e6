"""clients/typescript: its generated types match the services' live OpenAPI documents, it
type-checks (tsc --noEmit), and its tests pass against the running gateway."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "clients" / "typescript"


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env or dict(os.environ), capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed() -> Path:
    """node_modules from the lock files (deploy/local/web.sh installs clients/typescript and web)."""
    proc = _run(["bash", "deploy/local/web.sh", "build"], ROOT, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return CLIENT


def test_the_generated_types_match_the_live_openapi_documents(installed: Path, tmp_path: Path) -> None:
    dump = _run([sys.executable, str(CLIENT / "scripts" / "dump_openapi.py"), str(tmp_path)], ROOT)
    assert dump.returncode == 0, dump.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cart.json", "catalog.json", "content.json", "pricing.json"]
    check = _run(["node", "scripts/generate.mjs", "--check", str(tmp_path)], installed)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_check_notices_a_changed_document(installed: Path, tmp_path: Path) -> None:
    dump = _run([sys.executable, str(CLIENT / "scripts" / "dump_openapi.py"), str(tmp_path)], ROOT)
    assert dump.returncode == 0, dump.stderr
    doc = tmp_path / "cart.json"
    doc.write_text(doc.read_text().replace('"unit_price_seen"', '"unit_price_once_seen"'))
    check = _run(["node", "scripts/generate.mjs", "--check", str(tmp_path)], installed)
    assert check.returncode == 1 and "stale for: cart" in check.stderr, check.stdout + check.stderr


def test_the_client_type_checks(installed: Path) -> None:
    proc = _run(["npm", "run", "--silent", "typecheck"], installed)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.e2e
def test_the_client_works_against_the_running_gateway(installed: Path, request: pytest.FixtureRequest) -> None:
    # BROWSER_TESTS_GATEWAY: a stack that already runs (as for tests/browser); else the session's.
    gateway = os.environ.get("BROWSER_TESTS_GATEWAY") or request.getfixturevalue("stack").gateway
    env = {**os.environ, "CLINIC_GATEWAY": gateway, "NO_COLOR": "1", "FORCE_COLOR": "0"}
    proc = _run(["npx", "--no-install", "vitest", "run", "--reporter=verbose"], installed, env=env)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert re.search(r"Tests\s+7 passed", proc.stdout), proc.stdout[-2000:]
