"""Where the service layer meets the transaction: work that must happen only once the change is durable
(metrics) waits for the commit. (Domain errors need no translation here: each is an application error
that the HTTP layer answers once, in `clinic_shared.errors`.)"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession


def after_commit(session: AsyncSession, action: Callable[[], None]) -> None:
    """Run `action` once the session's transaction commits (never if it rolls back)."""
    event.listen(session.sync_session, "after_commit", lambda _session: action(), once=True)
