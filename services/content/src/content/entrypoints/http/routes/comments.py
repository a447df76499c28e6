"""Comments of an article: readers read the approved ones and submit their own."""

from __future__ import annotations

from fastapi import APIRouter, Response

from clinic_shared.errors import problem_responses
from clinic_shared.http import RuntimeDep
from content.domain.moderation import NewComment
from content.entrypoints.http.deps import Limit, Offset, SlugPath
from content.entrypoints.http.schemas import CommentIn, CommentList, CommentReceipt
from content.entrypoints.http.views import public_comment_out
from content.service_layer import comments as svc

router = APIRouter(prefix="/articles/{slug}/comments", tags=["comments"])
MESSAGES = {
    "approved": "Thank you: your comment is published.",
    "pending": "Thank you: your comment is awaiting moderation.",
    "rejected": "Your comment was not accepted.",
}


@router.get("", response_model=CommentList, responses=problem_responses(404, 422))
async def list_comments(runtime: RuntimeDep, slug: SlugPath, limit: Limit = 50, offset: Offset = 0) -> CommentList:
    """Approved comments, oldest first; a reply names its parent in `parent_id` (build the thread from it)."""
    items, total = await svc.public_comments(runtime, slug, limit, offset)
    return CommentList(items=[public_comment_out(c) for c in items], total=total, limit=limit, offset=offset)


@router.post(
    "", status_code=202, response_model=CommentReceipt,
    responses={201: {"description": "Published at once (the commenter has an approved comment)",
                     "model": CommentReceipt},
               **problem_responses(404, 422)},
)
async def submit_comment(runtime: RuntimeDep, slug: SlugPath, body: CommentIn, response: Response) -> CommentReceipt:
    """Submit a comment: 201 when published at once, 202 when it waits for a moderator or was not accepted.

    The email is required and never shown to anyone. What a spam filter caught is answered like a
    held comment, so that a bot learns nothing.
    """
    submitted = await svc.submit_comment(runtime, slug, NewComment(
        author_name=body.author_name, email=body.email, body=body.body, website=body.website,
        honeypot=body.honeypot, parent_id=body.parent_id,
    ))
    status = "pending" if submitted.decision.status == "spam" else submitted.decision.status
    if status == "approved":
        response.status_code = 201
    return CommentReceipt(
        id=submitted.comment.id, status=status, message=MESSAGES[status],
        reasons=submitted.decision.reasons if status == "rejected" else [],
        comment=public_comment_out(submitted.comment) if status == "approved" else None,
    )
