from __future__ import annotations

from collections.abc import Iterator

import pytest

from clinic_shared.testing.infra import Infra

from .e2e.stack import Stack, running_stack


@pytest.fixture(scope="session")
def stack(infra: Infra) -> Iterator[Stack]:
    """The platform on PostgreSQL, every service its own process, behind nginx: once per session."""
    with running_stack(infra) as s:
        yield s


@pytest.fixture(scope="module")
def embedded_stack(infra: Infra) -> Iterator[Stack]:
    """The platform as `make up` runs it: SQLite files under its own var/ folder."""
    with running_stack(infra, embedded=True) as s:
        yield s
