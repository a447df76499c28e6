"""Where the service layer meets the domain and the transaction: errors become answers, and work
that must happen only once the change is durable (metrics) waits for the commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.errors import Problem
from pricing.domain import DiscountStateError, DutyError, ReportStateError


@contextmanager
def domain_errors() -> Iterator[None]:
    """A rule the caller broke: a bad value is a 422, a transition the state forbids is a 409."""
    try:
        yield
    except DutyError as exc:
        raise Problem(403, "Forbidden", str(exc)) from exc
    except (DiscountStateError, ReportStateError) as exc:
        raise Problem(409, "Conflict", str(exc)) from exc
    except ValueError as exc:
        raise Problem(422, "Invalid request", str(exc)) from exc


def after_commit(session: AsyncSession, action: Callable[[], None]) -> None:
    """Run `action` once the session's transaction commits (never if it rolls back)."""
    event.listen(session.sync_session, "after_commit", lambda _session: action(), once=True)
