"""`/ops/dead-letters`: this service's dead letters, and their replay to the groups that wrote them.

Only this service's consumer groups are listed or replayed; another service's dead letters on a
shared `<topic>.dlq` are that service's business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter
from pydantic import BaseModel, Field

from clinic_shared.auth import Ops
from clinic_shared.errors import Problem, problem_responses
from clinic_shared.messaging.dlq import DeadLetter, list_dead_letters, replay

if TYPE_CHECKING:
    from clinic_shared.runtime import ServiceRuntime


class DeadLetterOut(BaseModel):
    topic: str = Field(description="the origin topic (without any deployment prefix)")
    group: str = Field(description="the consumer group that dead-lettered it (service.subscription)")
    partition: int
    offset: int
    event_type: str
    error: str
    failed_at: str | None


class DeadLetterList(BaseModel):
    items: list[DeadLetterOut]
    total: int


class ReplayIn(BaseModel):
    topic: str = Field(min_length=1, max_length=200, description="an origin topic this service consumes")
    dry_run: bool = False


class ReplayOut(BaseModel):
    topic: str
    dry_run: bool
    groups: list[str]
    replayed: int
    items: list[DeadLetterOut]


def dead_letter_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(prefix="/ops/dead-letters", tags=["operations"])

    def groups_of(topic: str) -> list[str]:
        return sorted(f"{runtime.service}.{s.name}" for s in runtime.subscriptions if topic in s.topics)

    def out(topic: str, d: DeadLetter) -> DeadLetterOut:
        return DeadLetterOut(topic=topic, group=d.group, partition=d.partition, offset=d.offset,
                             event_type=d.event_type, error=d.error, failed_at=d.headers.get("dlq_failed_at"))

    @router.get("", summary="Dead letters of this service's consumer groups",
                responses=problem_responses(401, 403))
    async def list_letters(_: Ops) -> DeadLetterList:
        prefix, bootstrap = runtime.settings.kafka_topic_prefix, runtime.settings.kafka_bootstrap_servers
        items: list[DeadLetterOut] = []
        for topic in sorted({t for s in runtime.subscriptions for t in s.topics}):
            mine = set(groups_of(topic))
            items += [out(topic, d) for d in await list_dead_letters(bootstrap, prefix + topic) if d.group in mine]
        return DeadLetterList(items=items, total=len(items))

    @router.post("/replay", summary="Replay a topic's dead letters to the groups of this service that wrote them",
                 responses=problem_responses(401, 403, 404, 422))
    async def replay_letters(body: ReplayIn, _: Ops) -> ReplayOut:
        groups = groups_of(body.topic)
        if not groups:
            raise Problem(404, "Not a consumed topic", f"this service consumes no topic named {body.topic}")
        s = runtime.settings
        sent = await replay(s.kafka_bootstrap_servers, s.kafka_topic_prefix + body.topic, groups=groups,
                            dry_run=body.dry_run)
        return ReplayOut(topic=body.topic, dry_run=body.dry_run, groups=groups, replayed=len(sent),
                         items=[out(body.topic, d) for d in sent])

    return router
