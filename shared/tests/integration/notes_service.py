"""A tiny service used only to test the plumbing: notes, one counter per note, on a test topic."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, ClassVar

from fastapi import APIRouter, FastAPI
from sqlalchemy import Column, Integer, String, Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from clinic_shared.db import new_metadata
from clinic_shared.events.base import Event
from clinic_shared.http import RuntimeDep, create_service_app
from clinic_shared.messaging.consumer import MessageContext, Subscription
from clinic_shared.runtime import ServiceRuntime
from clinic_shared.settings import ServiceSettings

TOPIC = "test.notes.v1"
metadata = new_metadata()
notes = Table("notes", metadata, Column("id", String(64), primary_key=True), Column("text", String(200)))
effects = Table("effects", metadata, Column("note_id", String(64), primary_key=True), Column("count", Integer))


class NoteWritten(Event):
    TYPE: ClassVar[str] = "clinic.test.note-written.v1"
    TOPIC: ClassVar[str] = TOPIC
    KEY_FIELD: ClassVar[str] = "key"

    note_id: str
    key: str
    text: str


class NoteDeleted(Event):
    """On the same topic; the effects subscription declares it ignored."""

    TYPE: ClassVar[str] = "clinic.test.note-deleted.v1"
    TOPIC: ClassVar[str] = TOPIC
    KEY_FIELD: ClassVar[str] = "key"

    note_id: str
    key: str


audits = Table("audits", metadata, Column("note_id", String(64), primary_key=True), Column("count", Integer))


class Switches:
    poison_fails = True
    hold: asyncio.Event | None = None  # a note "hold" waits for it inside its transaction
    attempts: dict[str, int] = {}


async def _bump(ctx: MessageContext, table: Table, note_id: str) -> None:
    stmt = pg_insert(table).values(note_id=note_id, count=1)
    await ctx.session.execute(stmt.on_conflict_do_update(index_elements=["note_id"],
                                                         set_={"count": table.c.count + 1}))


async def count_audit(ctx: MessageContext, event: NoteWritten) -> None:
    """A second group on the same topic: it never fails."""
    await _bump(ctx, audits, event.note_id)


async def count_effect(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, NoteWritten)
    Switches.attempts[event.note_id] = Switches.attempts.get(event.note_id, 0) + 1
    if event.text == "poison" and Switches.poison_fails:
        raise RuntimeError(f"cannot handle note {event.note_id}")
    if event.text == "half" and Switches.poison_fails:
        await _bump(ctx, effects, event.note_id)  # written, then the handler fails: it must not stay
        raise RuntimeError(f"half-applied note {event.note_id}")
    if event.text == "timeout":
        raise TimeoutError(f"an outside call timed out for note {event.note_id}")
    if event.text == "hold" and Switches.hold is not None:
        await ctx.session.execute(select(1))
        await Switches.hold.wait()
    await _bump(ctx, effects, event.note_id)


def _subscription(name: str, handlers: dict[type[Event], Any]) -> Subscription:
    # The dict form (the older style, still accepted); `ignore=` is skipped where the policy under
    # test predates it, so these tests also run against the code before issue #9 (to show they fail).
    if "ignore" in inspect.signature(Subscription).parameters:
        return Subscription(name, handlers, ignore=[NoteDeleted])  # type: ignore[call-arg]
    return Subscription(name, handlers)


def build(settings: ServiceSettings, *, consume: bool = True, audit: bool = False) -> tuple[ServiceRuntime, FastAPI]:
    subscriptions = [_subscription("effects", {NoteWritten: count_effect})] if consume else []
    if consume and audit:
        subscriptions.append(_subscription("audit", {NoteWritten: count_audit}))
    runtime = ServiceRuntime(
        service="notes", settings=settings, publishes=[NoteWritten], subscriptions=subscriptions,
    )
    router = APIRouter()

    @router.post("/notes/{note_id}")
    async def write(runtime: RuntimeDep, note_id: str, key: str = "k", text: str = "hello") -> dict[str, str]:
        async with runtime.transaction() as tx:
            await tx.session.execute(notes.insert().values(id=note_id, text=text))
            await tx.publish(NoteWritten(note_id=note_id, key=key, text=text))
        return {"id": note_id}

    return runtime, create_service_app(runtime, title="notes", description="test", routers=[router])


async def effect_count(runtime: ServiceRuntime, note_id: str, table: Table = effects) -> int:
    async with runtime.sessions() as s:
        return int((await s.execute(select(table.c.count).where(table.c.note_id == note_id))).scalar() or 0)


__all__ = ["NoteDeleted", "NoteWritten", "Switches", "audits", "build", "effect_count", "metadata", "update"]
