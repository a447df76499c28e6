"""Moderators' use cases: the review queue, and approve, reject or mark as spam (each with its event)."""

from __future__ import annotations

from typing import Literal

from clinic_shared.application_errors import NotFound
from clinic_shared.events.base import utcnow
from clinic_shared.runtime import ServiceRuntime
from content.adapters.comments import CommentRepository, CommentView
from content.domain.events import CommentApproved, CommentRejected

Decision = Literal["approve", "reject", "spam"]
STATUS_OF: dict[Decision, str] = {"approve": "approved", "reject": "rejected", "spam": "spam"}


async def review_queue(runtime: ServiceRuntime, status: str, limit: int, offset: int
                       ) -> tuple[list[CommentView], int]:
    async with runtime.sessions() as session:
        return await CommentRepository(session).list(status=status, article_id=None, limit=limit, offset=offset)


async def decide(runtime: ServiceRuntime, comment_id: str, decision: Decision, moderator: str,
                 reason: str | None = None) -> CommentView:
    """Apply a moderator's decision; deciding what a comment already is changes nothing and sends nothing."""
    status = STATUS_OF[decision]
    async with runtime.transaction() as tx:
        repo = CommentRepository(tx.session)
        current = await repo.get(comment_id, for_update=True)
        if current is None:
            raise NotFound(f"No comment with id {comment_id}.")
        if current.status == status:
            return current
        now = utcnow()
        if decision == "approve":
            reasons = [f"approved by a moderator ({moderator})"]
            event: CommentApproved | CommentRejected = CommentApproved(comment_id, current.article_id, moderator)
        else:
            said = reason or ("marked as spam by a moderator" if decision == "spam" else "rejected by a moderator")
            reasons = [said]
            event = CommentRejected(comment_id, current.article_id, moderator, reason=f"{status}: {said}")
        await repo.set_status(comment_id, status, now, moderator, reasons)
        tx.record(event)
        updated = await repo.get(comment_id)
    assert updated is not None
    return updated
