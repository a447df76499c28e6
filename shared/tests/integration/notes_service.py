"""A tiny service used only to test the plumbing: notes, one counter per note, on a test topic."""

from __future__ import annotations

from typing import ClassVar

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


class Switches:
    poison_fails = True


async def count_effect(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, NoteWritten)
    if event.text == "poison" and Switches.poison_fails:
        raise RuntimeError(f"cannot handle note {event.note_id}")
    stmt = pg_insert(effects).values(note_id=event.note_id, count=1)
    await ctx.session.execute(stmt.on_conflict_do_update(index_elements=["note_id"],
                                                         set_={"count": effects.c.count + 1}))


def build(settings: ServiceSettings, *, consume: bool = True) -> tuple[ServiceRuntime, FastAPI]:
    runtime = ServiceRuntime(
        service="notes", settings=settings, publishes=[NoteWritten],
        subscriptions=[Subscription("effects", {NoteWritten: count_effect})] if consume else [],
    )
    router = APIRouter()

    @router.post("/notes/{note_id}")
    async def write(runtime: RuntimeDep, note_id: str, key: str = "k", text: str = "hello") -> dict[str, str]:
        async with runtime.transaction() as tx:
            await tx.session.execute(notes.insert().values(id=note_id, text=text))
            await tx.publish(NoteWritten(note_id=note_id, key=key, text=text))
        return {"id": note_id}

    return runtime, create_service_app(runtime, title="notes", description="test", routers=[router])


async def effect_count(runtime: ServiceRuntime, note_id: str) -> int:
    async with runtime.sessions() as s:
        return int((await s.execute(select(effects.c.count).where(effects.c.note_id == note_id))).scalar() or 0)


__all__ = ["NoteWritten", "Switches", "build", "effect_count", "metadata", "update"]
