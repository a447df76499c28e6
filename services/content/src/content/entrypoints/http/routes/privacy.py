"""A commenter's right to erasure, for moderators and the operations team."""

from __future__ import annotations

from fastapi import APIRouter

from clinic_shared.errors import problem_responses
from clinic_shared.http import RuntimeDep
from content.entrypoints.http.deps import PrivacyOfficer
from content.entrypoints.http.schemas import ErasureIn, ErasureOut
from content.service_layer import privacy as svc

router = APIRouter(prefix="/privacy", tags=["privacy"])


@router.post("/erasure", response_model=ErasureOut, responses=problem_responses(401, 403, 422))
async def erase(runtime: RuntimeDep, body: ErasureIn, officer: PrivacyOfficer) -> ErasureOut:
    """Erase the name, email, website and words of every comment written with this email.

    The comments stay as "[erased]" tombstones so that replies keep their place in the thread.
    """
    return ErasureOut(erased_comments=await svc.erase_commenter(runtime, body.email, officer.sub))
