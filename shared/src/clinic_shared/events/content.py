"""Events of content: articles (content.article.v1) and comments (content.comment.v1, key article id).

A commenter's email and name never appear here.
"""

from __future__ import annotations

from typing import ClassVar

from clinic_shared.events.base import Event
from clinic_shared.events.topics import CONTENT_ARTICLE, CONTENT_COMMENT


class _ArticleState(Event):
    TOPIC: ClassVar[str] = CONTENT_ARTICLE
    KEY_FIELD: ClassVar[str] = "article_id"

    article_id: str
    slug: str
    title: str
    summary: str
    conditions: list[str]
    related_skus: list[str]
    version: int


class ArticlePublished(_ArticleState):
    TYPE: ClassVar[str] = "clinic.content.article-published.v1"


class ArticleUpdated(_ArticleState):
    TYPE: ClassVar[str] = "clinic.content.article-updated.v1"


class ArticleUnpublished(Event):
    TYPE: ClassVar[str] = "clinic.content.article-unpublished.v1"
    TOPIC: ClassVar[str] = CONTENT_ARTICLE
    KEY_FIELD: ClassVar[str] = "article_id"

    article_id: str
    slug: str
    version: int


class _CommentEvent(Event):
    TOPIC: ClassVar[str] = CONTENT_COMMENT
    KEY_FIELD: ClassVar[str] = "article_id"

    comment_id: str
    article_id: str


class CommentSubmitted(_CommentEvent):
    TYPE: ClassVar[str] = "clinic.content.comment-submitted.v1"

    parent_id: str | None
    status: str


class CommentApproved(_CommentEvent):
    TYPE: ClassVar[str] = "clinic.content.comment-approved.v1"

    decided_by: str


class CommentRejected(_CommentEvent):
    TYPE: ClassVar[str] = "clinic.content.comment-rejected.v1"

    reason: str
    decided_by: str
