"""Comment moderation: the rules that approve, hold, reject or mark a new comment as spam.

:func:`moderate` is pure: the service gathers what it knows about the commenter (matched by
:func:`email_hash`, never by the address) into a :class:`CommenterHistory`, and stores the
decision. Every rule that applies adds a reason; the most severe rule decides the status
(spam > rejected > pending > approved).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from content.domain.comments import (
    NewComment,
    body_fingerprint,
    count_links,
    email_hash,
    validate_comment,
)
from content.domain.errors import CommentValidationError

__all__ = [
    "RATE_WINDOW",
    "CommentValidationError",
    "CommenterHistory",
    "ModerationDecision",
    "ModerationPolicy",
    "ModerationStatus",
    "NewComment",
    "body_fingerprint",
    "email_hash",
    "moderate",
]

ModerationStatus = Literal["approved", "pending", "spam", "rejected"]
RATE_WINDOW = timedelta(minutes=10)
_SEVERITY: dict[ModerationStatus, int] = {"approved": 0, "pending": 1, "rejected": 2, "spam": 3}


@dataclass(frozen=True)
class ModerationPolicy:
    """The thresholds: links held above ``max_links``, spam from ``spam_links``; a rate limit."""

    max_links: int = 2
    spam_links: int = 5
    max_per_10_minutes: int = 3
    auto_approve_known_commenters: bool = True

    def __post_init__(self) -> None:
        if self.max_links < 0 or self.max_per_10_minutes < 1:
            raise ValueError("max_links must be >= 0 and max_per_10_minutes >= 1")
        if self.spam_links <= self.max_links:
            raise ValueError("spam_links must be greater than max_links")


@dataclass(frozen=True)
class CommenterHistory:
    """What the service knows about the commenter with this email hash.

    ``has_approved_comment``: any comment of theirs was approved. ``body_fingerprints``: the
    :func:`body_fingerprint` of their earlier comments (every status but ``rejected``).
    ``recent_submissions``: when they submitted comments (every status) in the last 10 minutes.
    """

    has_approved_comment: bool = False
    body_fingerprints: Collection[str] = frozenset()
    recent_submissions: Collection[datetime] = ()


@dataclass(frozen=True)
class ModerationDecision:
    """The status to store for the comment and the readable reasons that led to it."""

    status: ModerationStatus
    reasons: list[str] = field(default_factory=list)


def moderate(
    comment: NewComment, history: CommenterHistory, policy: ModerationPolicy, now: datetime
) -> ModerationDecision:
    """Decide what happens to ``comment``; raises :class:`CommentValidationError` if it is malformed."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    comment = validate_comment(comment)
    findings: list[tuple[ModerationStatus, str]] = []
    if comment.honeypot:
        findings.append(("spam", "the hidden honeypot field was filled in, as only bots do"))
    links = count_links(comment.body)
    if links >= policy.spam_links:
        findings.append(("spam", f"the comment has {links} links; {policy.spam_links} or more is spam"))
    elif links > policy.max_links:
        findings.append(
            ("pending", f"the comment has {links} links, more than the {policy.max_links} allowed unreviewed")
        )
    recent = sum(1 for at in history.recent_submissions if now - RATE_WINDOW < at <= now)
    if recent >= policy.max_per_10_minutes:
        findings.append(
            ("rejected", f"more than {policy.max_per_10_minutes} comments in 10 minutes from this commenter")
        )
    if body_fingerprint(comment.body) in history.body_fingerprints:
        findings.append(("rejected", "this commenter already posted the same comment"))
    base: tuple[ModerationStatus, str] = (
        ("approved", "the commenter has an approved comment")
        if history.has_approved_comment and policy.auto_approve_known_commenters
        else ("pending", "comments from a new commenter wait for a moderator")
    )
    worst = max((_SEVERITY[status] for status, _ in findings), default=-1)
    if _SEVERITY[base[0]] >= worst:  # the base reason only matters if no worse rule fired
        findings.append(base)
    status = max((status for status, _ in findings), key=_SEVERITY.__getitem__)
    return ModerationDecision(status=status, reasons=[reason for _, reason in findings])
