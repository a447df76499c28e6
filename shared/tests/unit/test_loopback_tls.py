"""The TLS rule for the database connection: off on loopback unless asked for, never touched for another host."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from clinic_shared.db import loopback_tls_args

PG = "postgresql+asyncpg://clinic:clinic@"


@pytest.mark.parametrize("rest", [
    "127.0.0.1:5432/catalog", "localhost/catalog", "LOCALHOST:5432/catalog", "127.0.0.2/catalog", "[::1]:5432/catalog",
    "/catalog",  # no host: asyncpg takes the local socket or localhost
    "/catalog?host=/var/run/postgresql",  # a unix socket directory
    "/catalog?host=127.0.0.1:5432&host=localhost:5433",  # every host of a multi-host URL is local
])
def test_a_loopback_database_is_reached_without_tls(rest: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGHOST", raising=False)
    monkeypatch.delenv("PGSSLMODE", raising=False)
    assert loopback_tls_args(make_url(PG + rest)) == {"ssl": False}


@pytest.mark.parametrize("rest", [
    "db.internal:5432/catalog", "10.0.0.5/catalog", "[2001:db8::1]:5432/catalog",
    "example.com/catalog", "localhost.example.com/catalog",
    "/catalog?host=127.0.0.1:5432&host=10.0.0.5:5432",  # one remote host is enough to keep asyncpg's default
    "127.0.0.1/catalog?ssl=require", "localhost/catalog?ssl=prefer", "127.0.0.1/catalog?sslmode=verify-full",
])
def test_a_remote_database_or_an_explicit_request_keeps_the_drivers_tls(rest: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGHOST", raising=False)
    monkeypatch.delenv("PGSSLMODE", raising=False)
    assert loopback_tls_args(make_url(PG + rest)) == {}


def test_the_environment_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGSSLMODE", raising=False)
    monkeypatch.setenv("PGHOST", "db.internal")  # no host in the URL: asyncpg goes to PGHOST
    assert loopback_tls_args(make_url(PG + "/catalog")) == {}
    monkeypatch.setenv("PGHOST", "127.0.0.1")
    assert loopback_tls_args(make_url(PG + "/catalog")) == {"ssl": False}
    monkeypatch.setenv("PGSSLMODE", "require")
    assert loopback_tls_args(make_url(PG + "127.0.0.1/catalog")) == {}


def test_other_drivers_are_left_alone() -> None:
    assert loopback_tls_args(make_url("sqlite+aiosqlite:///var/data/catalog.db")) == {}
    assert loopback_tls_args(make_url("postgresql+psycopg://clinic@127.0.0.1/catalog")) == {}
