"""`make deps` leaves compiled bytecode for the installed libraries and our own packages: with
PYTHONDONTWRITEBYTECODE set (as on this machine and its CI) nothing else ever writes it, and every
service start, test subprocess and restart after a kill compiled the libraries from source again."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _cached(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None, module
    return Path(importlib.util.cache_from_source(spec.origin))


@pytest.mark.parametrize("module", ["fastapi.applications", "sqlalchemy.orm.session", "pydantic.main",
                                    "aiokafka.producer.producer", "opentelemetry.sdk.trace"])
def test_installed_libraries_are_compiled(module: str) -> None:
    if not str(Path(sys.prefix).resolve()).startswith(str(ROOT)):
        pytest.fail(f"the tests run outside the project's environment ({sys.prefix}); run them through make test")
    assert _cached(module).is_file(), f"{module} has no bytecode: deploy/local/deps.sh must compile it"


@pytest.mark.parametrize("module", ["clinic_shared.runtime", "cart.bootstrap", "pricing.bootstrap"])
def test_workspace_packages_are_compiled(module: str) -> None:
    assert _cached(module).is_file(), f"{module} has no bytecode: deploy/local/deps.sh must compile it"
