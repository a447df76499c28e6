"""The Article aggregate: a patient-education article, its medical review and its publishing workflow.

Status goes draft -> published <-> unpublished. Publishing needs a medical review (reviewer and
reviewed-at); the slug is fixed once the article has been published. Changes record domain
events in ``events`` (published, updated while published, unpublished) for the service layer
to publish after commit. ``sections`` and ``intro_html`` are rendered from ``markdown``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from content.domain import article_fields as check
from content.domain.errors import ArticleStateError, ArticleValidationError
from content.domain.events import ArticleEvent, ArticlePublished, ArticleUnpublished, ArticleUpdated
from content.domain.rendering import Section, render_markdown
from content.domain.slugs import validate_slug

_UNSET: Any = object()
_EDITABLE = ("slug", "title", "summary", "markdown", "author", "medical_reviewer", "reviewed_at",
             "conditions", "tags", "related_skus")  # fmt: skip


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"


@dataclass(eq=False)
class Article:
    id: UUID
    slug: str
    title: str
    summary: str
    markdown: str
    author: str
    conditions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    related_skus: list[str] = field(default_factory=list)
    medical_reviewer: str | None = None
    reviewed_at: datetime | None = None
    status: ArticleStatus = ArticleStatus.DRAFT
    created_at: datetime | None = None
    updated_at: datetime | None = None
    published_at: datetime | None = None
    version: int = 0
    sections: list[Section] = field(init=False, default_factory=list)
    intro_html: str = field(init=False, default="")
    events: list[ArticleEvent] = field(init=False, default_factory=list, repr=False)

    def __post_init__(self) -> None:
        for name in _EDITABLE:
            setattr(self, name, _normalized(name, getattr(self, name)))
        self.status = ArticleStatus(self.status)
        self._render()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Article) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def _render(self) -> None:
        rendered = render_markdown(self.markdown)
        self.sections, self.intro_html = rendered.sections, rendered.intro_html

    def publish(self, now: datetime) -> None:
        """Make the article public. Needs a medical review no later than ``now``."""
        check.aware("now", now)
        if self.status is ArticleStatus.PUBLISHED:
            raise ArticleStateError(f"article {self.slug!r} is already published.")
        if self.medical_reviewer is None or self.reviewed_at is None:
            raise ArticleStateError("an article needs a medical reviewer and reviewed_at before publishing.")
        if self.reviewed_at > now:
            raise ArticleStateError("reviewed_at is in the future.")
        self.status, self.published_at = ArticleStatus.PUBLISHED, now
        self._touch(now)
        self.events.append(ArticlePublished(
            self.id, self.slug, self.title, self.summary, tuple(self.conditions), tuple(self.tags),
            tuple(self.related_skus), self.version, now,
        ))  # fmt: skip

    def unpublish(self, now: datetime) -> None:
        """Take a published article down; its URL then answers 404."""
        check.aware("now", now)
        if self.status is not ArticleStatus.PUBLISHED:
            raise ArticleStateError(f"only a published article can be unpublished; this one is {self.status}.")
        self.status = ArticleStatus.UNPUBLISHED
        self._touch(now)
        self.events.append(ArticleUnpublished(self.id, self.slug, self.version, now))

    def update(self, now: datetime, **changes: Any) -> tuple[str, ...]:
        """Change the given fields (any of ``_EDITABLE``); returns the names that really changed."""
        check.aware("now", now)
        unknown = set(changes) - set(_EDITABLE)
        if unknown:
            raise ArticleValidationError(sorted(unknown)[0], "is not a field an editor can change")
        new = {name: _normalized(name, value) for name, value in changes.items()}
        changed = tuple(name for name in _EDITABLE if name in new and new[name] != getattr(self, name))
        if not changed:
            return ()
        if "slug" in changed and self.published_at is not None:
            raise ArticleStateError("the slug cannot change once the article has been published.")
        for name in changed:
            setattr(self, name, new[name])
        if "markdown" in changed:
            self._render()
        self._touch(now)
        if self.status is ArticleStatus.PUBLISHED:
            self.events.append(ArticleUpdated(
                self.id, self.slug, self.title, self.summary, tuple(self.conditions), tuple(self.tags),
                tuple(self.related_skus), changed, self.version, now,
            ))  # fmt: skip
        return changed

    def _touch(self, now: datetime) -> None:
        self.updated_at = now
        self.version += 1


def _normalized(name: str, value: Any) -> Any:
    match name:
        case "slug":
            return validate_slug(value)
        case "title":
            return check.text(name, value, check.TITLE_MAX)
        case "summary":
            return check.text(name, value, check.SUMMARY_MAX)
        case "markdown":
            return check.text(name, value, check.MARKDOWN_MAX)
        case "author":
            return check.text(name, value, check.PERSON_MAX)
        case "medical_reviewer":
            return check.optional_text(name, value, check.PERSON_MAX)
        case "reviewed_at":
            return check.aware(name, value)
        case "conditions" | "tags":
            return check.slugs(name, value)
        case "related_skus":
            return check.skus(value)
    raise ArticleValidationError(name, "is not a field an editor can change")
