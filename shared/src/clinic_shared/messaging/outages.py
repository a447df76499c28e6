"""Is this error the database (or the network to it) being away, rather than the message being bad?

An outage is never the message's fault: the consumer rewinds and waits, it never retries the
message into the DLQ. asyncpg raises some of these raw (CannotConnectNowError while PostgreSQL
starts or shuts down) and SQLAlchemy wraps others in a generic DBAPIError, so the whole chain of
causes is read, by class and by SQLSTATE.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import asyncpg
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

# Class 08 (connection exception), class 53 (insufficient resources: too many connections, disk
# full), 57P01-57P03 (admin/crash shutdown, cannot connect now), 25006 (read-only transaction: a
# standby after a failover, before promotion).
_OUTAGE_CLASSES = ("08", "53")
_OUTAGE_STATES = frozenset({"57P01", "57P02", "57P03", "25006"})
_ASYNCPG_OUTAGES: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.PostgresConnectionError,  # 08*, ConnectionDoesNotExistError among them
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.ReadOnlySQLTransactionError,
    asyncpg.exceptions.InterfaceError,  # "connection is closed", "another operation is in progress"
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [e.__cause__, e.__context__, getattr(e, "orig", None)]


def _sqlstate(exc: BaseException) -> str:
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    return state if isinstance(state, str) else ""


def sqlstate_is_outage(state: str | None) -> bool:
    """The one SQLSTATE rule for "the database is not answering now" (not "the query is wrong"),
    shared by the consumer policy (rewind and wait) and the HTTP errors (503 with Retry-After)."""
    if not state:
        return False
    return state[:2] in _OUTAGE_CLASSES or state in _OUTAGE_STATES


def is_outage(exc: BaseException) -> bool:
    """True when `exc`, or anything it was caused by, says the database cannot be reached.

    A TimeoutError is NOT an outage by itself (it is an OSError): a handler's own timeout is its
    failure, retried and dead-lettered; a real outage also fails the health check before any DLQ.
    """
    for e in _chain(exc):
        if isinstance(e, DBAPIError) and e.connection_invalidated:
            return True
        if isinstance(e, _ASYNCPG_OUTAGES):
            return True
        if sqlstate_is_outage(_sqlstate(e)):
            return True
        if isinstance(e, ConnectionError | socket.gaierror):
            return True
    return False


async def database_answers(sessions: async_sessionmaker[AsyncSession], timeout: float = 3.0) -> bool:
    """`SELECT 1` within `timeout` seconds: asked before any message is dead-lettered."""
    try:
        async with asyncio.timeout(timeout), sessions() as session:
            await session.execute(text("SELECT 1"))
        return True
    except asyncio.CancelledError:
        raise
    except Exception:
        return False
