"""A database that does not answer is a 503 with Retry-After, never a 500: against a private
PostgreSQL cluster that is stopped, and for each error asyncpg raises while it restarts."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from clinic_shared import db
from clinic_shared.errors import database_unavailable, install_error_handlers

from .private import PrivateParts, private_parts

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def private_pg() -> Iterator[PrivateParts]:
    with private_parts(kafka=False) as parts:
        yield parts


def _app(url: str) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    engine = db.create_engine(url)

    @app.get("/now")
    async def now() -> dict[str, str]:
        async with engine.connect() as conn:
            return {"now": str((await conn.execute(text("SELECT now()"))).scalar_one())}

    return app


async def _get(app: FastAPI) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get("/now")


async def test_a_stopped_database_answers_503_with_retry_after_and_the_service_recovers(
        private_pg: PrivateParts) -> None:
    app = _app(private_pg.infra.database_url("postgres"))
    assert (await _get(app)).status_code == 200
    await asyncio.to_thread(private_pg.postgres, "stop")
    try:
        down = await _get(app)
    finally:
        await asyncio.to_thread(private_pg.postgres, "start")
    assert down.status_code == 503, down.text
    assert down.headers["content-type"].startswith("application/problem+json")
    assert int(down.headers["retry-after"]) > 0
    assert (await _get(app)).status_code == 200


async def test_a_killed_database_under_an_open_pool_answers_503(private_pg: PrivateParts) -> None:
    app = _app(private_pg.infra.database_url("postgres"))
    assert (await _get(app)).status_code == 200
    await asyncio.to_thread(private_pg.postgres, "kill")  # immediate: pooled connections die mid-flight
    try:
        down = await _get(app)
    finally:
        await asyncio.to_thread(private_pg.postgres, "start")
    assert down.status_code == 503, down.text


@pytest.mark.parametrize("exc", [
    asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
    asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
    asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
    asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    ConnectionRefusedError(111, "Connect call failed"),
])
def test_every_way_asyncpg_says_the_database_is_away_counts_as_unavailable(exc: Exception) -> None:
    wrapped = DBAPIError("SELECT 1", None, exc)
    assert database_unavailable(exc) and database_unavailable(wrapped)
    assert database_unavailable(PoolTimeout("QueuePool limit reached"))


def test_a_bad_query_is_not_mistaken_for_an_outage() -> None:
    syntax = asyncpg.exceptions.PostgresSyntaxError("syntax error at or near")
    assert not database_unavailable(ProgrammingError("SELEC", None, syntax))
    assert not database_unavailable(OperationalError("x", None, ValueError("no")))
    assert not database_unavailable(RuntimeError("a bug"))
