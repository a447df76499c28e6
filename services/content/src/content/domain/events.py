"""Domain events of articles (recorded by the article) and of comments (recorded on the transaction by
the use case: a comment is a row, not an aggregate); `service_layer/contracts.py` maps them onto the
published integration events.

Plain dataclasses: what happened, in the past tense, with what a subscriber needs and nothing
private. They leave the service only after the article's changes are committed (the outbox).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class ArticlePublished:
    article_id: UUID
    slug: str
    title: str
    summary: str
    conditions: tuple[str, ...]
    tags: tuple[str, ...]
    related_skus: tuple[str, ...]
    version: int
    occurred_at: datetime


@dataclass(frozen=True)
class ArticleUpdated:
    """A published article changed; ``changed_fields`` names what changed."""

    article_id: UUID
    slug: str
    title: str
    summary: str
    conditions: tuple[str, ...]
    tags: tuple[str, ...]
    related_skus: tuple[str, ...]
    changed_fields: tuple[str, ...]
    version: int
    occurred_at: datetime


@dataclass(frozen=True)
class ArticleUnpublished:
    article_id: UUID
    slug: str
    version: int
    occurred_at: datetime


ArticleEvent = ArticlePublished | ArticleUpdated | ArticleUnpublished


@dataclass(frozen=True)
class CommentSubmitted:
    comment_id: str
    article_id: str
    parent_id: str | None
    status: str  # what moderation decided at once: approved, pending, rejected, spam


@dataclass(frozen=True)
class CommentApproved:
    comment_id: str
    article_id: str
    decided_by: str


@dataclass(frozen=True)
class CommentRejected:
    comment_id: str
    article_id: str
    decided_by: str
    reason: str
