"""Counting the SQL statements a piece of code runs on a real engine (a SQLAlchemy event hook), for tests
that keep a request's round trips from growing (no query per row)."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

# Only the statements run in the caller's context: background jobs (the relay, the pruner) share the engine.
# (SQLAlchemy carries the context into the greenlet that runs the driver calls.)
_recording: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("recording", default=None)


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """`with statements(engine) as seen:` the SQL of every statement run in this context, in order."""
    seen: list[str] = []

    def hook(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        into = _recording.get()
        if into is not None:
            into.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", hook)
    token = _recording.set(seen)
    try:
        yield seen
    finally:
        _recording.reset(token)
        event.remove(engine.sync_engine, "before_cursor_execute", hook)
