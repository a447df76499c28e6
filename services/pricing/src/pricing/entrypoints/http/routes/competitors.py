"""The eligible-competitor list (ops). Marketplaces and coupon sites may be listed; never eligible."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from clinic_shared.auth import Ops
from clinic_shared.errors import Problem, problem_responses
from pricing.adapters.competitors import ListedCompetitor
from pricing.entrypoints.http.deps import RuntimeDep
from pricing.entrypoints.http.schemas import (
    CompetitorIn,
    CompetitorList,
    CompetitorOut,
    CompetitorPatch,
    EligibleCompetitorList,
    EligibleCompetitorOut,
)
from pricing.service_layer import competitors as svc

router = APIRouter(prefix="/competitors", tags=["competitors"])
OPS_ERRORS = problem_responses(401, 403, 404, 409, 422)


def _out(listed: ListedCompetitor) -> CompetitorOut:
    c = listed.competitor
    return CompetitorOut(
        id=c.id, name=c.name, domain=c.domain, kind=c.kind, licensed_regions=sorted(c.licensed_regions),
        active=c.active, eligible=c.active and c.is_licensed_clinic, created_at=listed.created_at,
        updated_at=listed.updated_at,
    )


@router.get("", response_model=CompetitorList, responses=problem_responses(401, 403, 422))
async def list_competitors(runtime: RuntimeDep, _: Ops, active: bool | None = None) -> CompetitorList:
    """Every listed provider, by name; `active=true` for those still on the list."""
    items = [_out(c) for c in await svc.list_competitors(runtime, active)]
    return CompetitorList(items=items, total=len(items))


@router.get("/eligible", response_model=EligibleCompetitorList, responses=problem_responses(422))
async def eligible_competitors(runtime: RuntimeDep) -> EligibleCompetitorList:
    """Public: the providers whose prices we match (active licensed clinics): id, name and website."""
    items = [EligibleCompetitorOut(id=c.competitor.id, name=c.competitor.name, domain=c.competitor.domain)
             for c in await svc.list_competitors(runtime, True) if c.competitor.is_licensed_clinic]
    return EligibleCompetitorList(items=items, total=len(items))


@router.post("", status_code=201, response_model=CompetitorOut, responses=problem_responses(401, 403, 409, 422))
async def add_competitor(runtime: RuntimeDep, body: CompetitorIn, _: Ops) -> CompetitorOut:
    data = body.model_dump()
    data["licensed_regions"] = frozenset(data["licensed_regions"])
    return _out(await svc.add_competitor(runtime, data))


@router.patch("/{competitor_id}", response_model=CompetitorOut, responses=OPS_ERRORS)
async def change_competitor(
    runtime: RuntimeDep, competitor_id: uuid.UUID, body: CompetitorPatch, _: Ops
) -> CompetitorOut:
    changes = body.model_dump(exclude_unset=True)
    nulls = sorted(k for k, v in changes.items() if v is None)
    if nulls:
        raise Problem(422, "Invalid request", f"These fields cannot be null: {', '.join(nulls)}.")
    if "licensed_regions" in changes:
        changes["licensed_regions"] = frozenset(changes["licensed_regions"])
    return _out(await svc.change_competitor(runtime, str(competitor_id), changes))


@router.delete("/{competitor_id}", status_code=204, response_class=Response, responses=OPS_ERRORS)
async def remove_competitor(runtime: RuntimeDep, competitor_id: uuid.UUID, _: Ops) -> Response:
    """Take a provider off the list: it stays known (and inactive), so reports naming it get a clear answer."""
    await svc.remove_competitor(runtime, str(competitor_id))
    return Response(status_code=204)
