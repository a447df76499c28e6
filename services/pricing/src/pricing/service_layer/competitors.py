"""The eligible-competitor list: ops add, change and remove providers. Removing one keeps its row
(reports that named it still say who it was) and marks it inactive, so it is no longer eligible."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from clinic_shared.application_errors import Conflict, NotFound
from clinic_shared.events.base import utcnow
from clinic_shared.runtime import ServiceRuntime
from pricing.adapters.competitors import CompetitorRepository, ListedCompetitor
from pricing.domain import EligibleCompetitor


async def list_competitors(runtime: ServiceRuntime, active: bool | None) -> list[ListedCompetitor]:
    async with runtime.sessions() as session:
        return await CompetitorRepository(session).listed(active)


async def add_competitor(runtime: ServiceRuntime, data: dict[str, Any]) -> ListedCompetitor:
    competitor = EligibleCompetitor(id=str(uuid.uuid4()), **data)
    now = utcnow()
    async with runtime.transaction() as tx:
        repo = CompetitorRepository(tx.session)
        if await repo.domain_taken(competitor.domain):
            raise Conflict(f"A competitor with the domain {competitor.domain} is already listed.")
        await repo.add(competitor, now)
    return ListedCompetitor(competitor, now, now)


async def change_competitor(runtime: ServiceRuntime, competitor_id: str, changes: dict[str, Any]) -> ListedCompetitor:
    async with runtime.transaction() as tx:
        repo = CompetitorRepository(tx.session)
        current = await repo.get(competitor_id)
        if current is None:
            raise NotFound(f"No competitor with id {competitor_id}.")
        changed = replace(current.competitor, **changes)
        if await repo.domain_taken(changed.domain, other_than=competitor_id):
            raise Conflict(f"A competitor with the domain {changed.domain} is already listed.")
        now = utcnow()
        await repo.save(changed, now)
    return ListedCompetitor(changed, current.created_at, now)


async def remove_competitor(runtime: ServiceRuntime, competitor_id: str) -> None:
    await change_competitor(runtime, competitor_id, {"active": False})
