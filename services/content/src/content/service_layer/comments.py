"""Comment use cases: a reader submits, moderation decides at once or holds, readers see approved ones.

The email is validated, hashed with the pepper, stored, and goes nowhere else: not in the answer,
not in an event, not in a log line.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import quote

from clinic_shared.application_errors import Invalid, NotFound
from clinic_shared.events.base import utcnow
from clinic_shared.runtime import ServiceRuntime
from content.adapters.article_views import published_id_by_slug
from content.adapters.comments import CommentRepository, CommentRow, CommentView
from content.domain.comments import body_fingerprint, email_hash, validate_comment
from content.domain.events import CommentApproved, CommentRejected, CommentSubmitted
from content.domain.moderation import RATE_WINDOW, ModerationDecision, NewComment, moderate
from content.domain.rendering import sanitize_comment
from content.service_layer.settings import content_settings, moderation_policy

AUTO = "auto-moderation"
# Characters kept as they are in a website address; anything else (<, >, ", ', `, ...) is %-encoded.
_URL_SAFE = ":/?#[]@!$&()*+,;=%~.-_"


@dataclass(frozen=True)
class Submitted:
    comment: CommentView
    decision: ModerationDecision


async def submit_comment(runtime: ServiceRuntime, slug: str, new: NewComment) -> Submitted:
    settings = content_settings(runtime)
    now = utcnow()
    comment = validate_comment(new)
    digest = email_hash(comment.email, settings.comment_email_pepper)
    fingerprint = body_fingerprint(comment.body)
    async with runtime.transaction() as tx:
        article_id = await published_id_by_slug(tx.session, slug)
        if article_id is None:
            raise NotFound(f"No published article with slug '{slug}'.")
        repo = CommentRepository(tx.session)
        parent_id = str(comment.parent_id) if comment.parent_id else None
        if parent_id is not None:
            parent = await repo.get(parent_id)
            if parent is None or parent.article_id != article_id or parent.status != "approved":
                raise Invalid("parent_id: is not a published comment on this article", field="parent_id")
        await repo.lock_commenter(digest)
        history = await repo.history(digest, fingerprint, now - RATE_WINDOW)
        decision = moderate(comment, history, moderation_policy(settings), now)
        comment_id = str(uuid.uuid4())
        decided = decision.status != "pending"
        await repo.add(CommentRow(
            id=comment_id, article_id=article_id, parent_id=parent_id, author_name=comment.author_name,
            email=comment.email, email_hash=digest,
            website=quote(comment.website, safe=_URL_SAFE) if comment.website else None,
            body=comment.body, body_html=sanitize_comment(comment.body), body_fingerprint=fingerprint,
            status=decision.status, reasons=decision.reasons, created_at=now,
            decided_at=now if decided else None, decided_by=AUTO if decided else None,
        ))
        tx.record(CommentSubmitted(comment_id, article_id, parent_id, decision.status))
        if decision.status == "approved":
            tx.record(CommentApproved(comment_id, article_id, decided_by=AUTO))
        elif decided:
            tx.record(CommentRejected(comment_id, article_id, decided_by=AUTO, reason=_reason(decision)))
        stored = await repo.get(comment_id)
    assert stored is not None
    return Submitted(stored, decision)


def _reason(decision: ModerationDecision) -> str:
    return f"{decision.status}: " + "; ".join(decision.reasons)


async def public_comments(runtime: ServiceRuntime, slug: str, limit: int, offset: int
                          ) -> tuple[list[CommentView], int]:
    """The approved comments of a published article, oldest first (replies name their parent)."""
    async with runtime.sessions() as session:
        article_id = await published_id_by_slug(session, slug)
        if article_id is None:
            raise NotFound(f"No published article with slug '{slug}'.")
        return await CommentRepository(session).list(status="approved", article_id=article_id,
                                                     limit=limit, offset=offset)
