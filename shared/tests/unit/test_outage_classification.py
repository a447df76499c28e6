"""Which errors mean "the database is away" (rewind and wait) and which are the message's (retry, DLQ)."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from clinic_shared.messaging.outages import is_outage


def _wrapped(orig: BaseException, *, invalidated: bool = False) -> DBAPIError:
    return DBAPIError("SELECT 1", None, orig, connection_invalidated=invalidated)


class _WithState(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize("error", [
    asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
    asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
    asyncpg.exceptions.CrashShutdownError("crash"),
    asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
    asyncpg.exceptions.ReadOnlySQLTransactionError("cannot execute INSERT in a read-only transaction"),
    ConnectionRefusedError(111, "Connect call failed"),
], ids=lambda e: type(e).__name__)
def test_asyncpg_connection_errors_are_outages_raw_and_wrapped(error: BaseException) -> None:
    assert is_outage(error)
    assert is_outage(_wrapped(error))
    outer = RuntimeError("a handler's own wrapper")
    outer.__cause__ = error
    assert is_outage(outer)


@pytest.mark.parametrize("state", ["08000", "08006", "08P01", "53000", "53300", "57P01", "57P02", "57P03", "25006"])
def test_outage_sqlstates(state: str) -> None:
    assert is_outage(_wrapped(_WithState(state)))


def test_an_invalidated_connection_is_an_outage() -> None:
    assert is_outage(_wrapped(Exception("closed"), invalidated=True))


@pytest.mark.parametrize("error", [
    TimeoutError("an outside call timed out"),
    IntegrityError("INSERT", None, _WithState("23505")),
    OperationalError("SELECT", None, _WithState("40P01")),  # a deadlock: retry the message, it is no outage
    _wrapped(_WithState("22P02")),
    ValueError("bad data"),
], ids=lambda e: type(e).__name__)
def test_the_messages_own_failures_are_not_outages(error: BaseException) -> None:
    assert not is_outage(error)
