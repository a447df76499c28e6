"""The moderators' queue and decisions. The commenter's email is not part of any answer here either."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from clinic_shared.auth import Moderator
from clinic_shared.errors import problem_responses
from clinic_shared.http import RuntimeDep
from content.entrypoints.http.deps import CommentId, Limit, Offset
from content.entrypoints.http.schemas import DecisionIn, ModerationCommentOut, ModerationList
from content.entrypoints.http.views import moderation_comment_out
from content.service_layer import moderation as svc

router = APIRouter(prefix="/moderation/comments", tags=["moderation"])
ERRORS = problem_responses(401, 403, 404, 422)


@router.get("", response_model=ModerationList, responses=problem_responses(401, 403, 422))
async def review_queue(
    runtime: RuntimeDep, _: Moderator,
    status: Annotated[Literal["pending", "approved", "rejected", "spam"], Query()] = "pending",
    limit: Limit = 50, offset: Offset = 0,
) -> ModerationList:
    """Comments with a status (pending by default), oldest first, with the reasons moderation gave."""
    items, total = await svc.review_queue(runtime, status, limit, offset)
    return ModerationList(items=[moderation_comment_out(c) for c in items], total=total, limit=limit, offset=offset)


@router.post("/{comment_id}/approve", response_model=ModerationCommentOut, responses=ERRORS)
async def approve(runtime: RuntimeDep, comment_id: CommentId, moderator: Moderator) -> ModerationCommentOut:
    """Publish the comment; its commenter's next comments are then approved automatically."""
    return moderation_comment_out(await svc.decide(runtime, str(comment_id), "approve", moderator.sub))


@router.post("/{comment_id}/reject", response_model=ModerationCommentOut, responses=ERRORS)
async def reject(runtime: RuntimeDep, comment_id: CommentId, moderator: Moderator,
                 body: DecisionIn | None = None) -> ModerationCommentOut:
    reason = body.reason if body else None
    return moderation_comment_out(await svc.decide(runtime, str(comment_id), "reject", moderator.sub, reason))


@router.post("/{comment_id}/spam", response_model=ModerationCommentOut, responses=ERRORS)
async def spam(runtime: RuntimeDep, comment_id: CommentId, moderator: Moderator,
               body: DecisionIn | None = None) -> ModerationCommentOut:
    reason = body.reason if body else None
    return moderation_comment_out(await svc.decide(runtime, str(comment_id), "spam", moderator.sub, reason))
