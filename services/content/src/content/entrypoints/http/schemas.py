"""The content service's HTTP shapes (kept apart from the tables).
Names follow docs/product-rules.md#names-the-clients-rely-on.

Text fields refuse NUL and unpaired surrogates (no database stores them) and one-line fields refuse
control characters; the domain then checks what is left, so every bad input is a 422 with a message.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def _line(value: str) -> str:
    if _CONTROL.search(_text(value)):
        raise ValueError("must be one line without control characters")
    return value


def _no_markup(value: str) -> str:
    if "<" in value or ">" in value:
        raise ValueError("must not contain < or >")
    return value


def _plausible_date(value: datetime) -> datetime:
    try:
        year = value.astimezone(UTC).year
    except OverflowError:
        year = 0
    if not 1900 <= year <= 2999:
        raise ValueError("must be a date between the years 1900 and 2999")
    return value


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=120)]
SkuCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$", min_length=1, max_length=64)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_line)]
Summary = Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_line)]
Person = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_line)]
Markdown = Annotated[str, StringConstraints(min_length=1, max_length=200_000), AfterValidator(_text)]
ReviewedAt = Annotated[AwareDatetime, AfterValidator(_plausible_date)]


class ArticleIn(BaseModel):
    """A new article (a draft). The slug defaults to one made from the title."""

    model_config = ConfigDict(extra="forbid")
    slug: Slug | None = None
    title: Title
    summary: Summary
    markdown: Markdown
    author: Person
    medical_reviewer: Person | None = None
    reviewed_at: ReviewedAt | None = None
    conditions: Annotated[list[Slug], Field(max_length=20)] = []
    tags: Annotated[list[Slug], Field(max_length=30)] = []
    related_skus: Annotated[list[SkuCode], Field(max_length=30)] = []


class ArticlePatch(BaseModel):
    """Fields to change; only medical_reviewer and reviewed_at may be set to null."""

    model_config = ConfigDict(extra="forbid")
    slug: Slug | None = None
    title: Title | None = None
    summary: Summary | None = None
    markdown: Markdown | None = None
    author: Person | None = None
    medical_reviewer: Person | None = None
    reviewed_at: ReviewedAt | None = None
    conditions: Annotated[list[Slug], Field(max_length=20)] | None = None
    tags: Annotated[list[Slug], Field(max_length=30)] | None = None
    related_skus: Annotated[list[SkuCode], Field(max_length=30)] | None = None


class SectionOut(BaseModel):
    title: str = Field(description="Plain text: escape it when writing HTML.")
    html: str = Field(description="Sanitized HTML.")
    level: int


class RelatedSkuOut(BaseModel):
    sku: str
    label: str
    unit_price: int = Field(description="Current price in minor units of `currency`.")
    currency: str


class RelatedProductOut(BaseModel):
    id: str
    slug: str
    name: str
    skus: list[RelatedSkuOut]


class ArticleSummaryOut(BaseModel):
    id: str
    slug: str
    title: str
    summary: str
    conditions: list[str]
    tags: list[str]
    author: str
    medical_reviewer: str | None
    reviewed_at: datetime | None
    published_at: datetime | None


class ArticleOut(ArticleSummaryOut):
    intro_html: str = Field(description="Sanitized HTML before the first section.")
    sections: list[SectionOut]
    related_products: list[RelatedProductOut] = Field(
        description="Treatments for sale that the article names, each with its SKUs that have a current price.")
    status: Literal["draft", "published", "unpublished"]
    version: int
    updated_at: datetime | None


class EditorArticleOut(ArticleOut):
    markdown: str
    related_skus: list[str]


class ArticleList(BaseModel):
    items: list[ArticleSummaryOut]
    total: int
    limit: int
    offset: int


class CommentIn(BaseModel):
    """A reader's comment. `honeypot` is the form's hidden field: people leave it empty."""

    model_config = ConfigDict(extra="forbid")
    author_name: Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(_line),
                           AfterValidator(_no_markup)]
    email: Annotated[str, StringConstraints(min_length=3, max_length=254), AfterValidator(_line)] = Field(
        description="Required, never published.", json_schema_extra={"format": "email"})
    website: Annotated[str, StringConstraints(max_length=2048), AfterValidator(_line)] | None = None
    body: Annotated[str, StringConstraints(min_length=1, max_length=5000), AfterValidator(_text)]
    parent_id: UUID | None = Field(None, description="The approved comment this one replies to.")
    honeypot: Annotated[str, StringConstraints(max_length=500), AfterValidator(_text)] = ""


class PublicCommentOut(BaseModel):
    id: str
    author_name: str = Field(description="Plain text.")
    body_html: str = Field(description="Sanitized HTML.")
    created_at: datetime
    parent_id: str | None


class CommentList(BaseModel):
    items: list[PublicCommentOut]
    total: int
    limit: int
    offset: int


class CommentReceipt(BaseModel):
    id: str
    status: Literal["approved", "pending", "rejected"]
    message: str
    reasons: list[str] = Field(description="Why a comment was not accepted (for a rejected one).")
    comment: PublicCommentOut | None = Field(description="The comment as readers see it, once approved.")


class ModerationCommentOut(BaseModel):
    id: str
    article_id: str
    article_slug: str
    parent_id: str | None
    author_name: str
    website: str | None
    body_html: str
    status: Literal["approved", "pending", "spam", "rejected"]
    reasons: list[str]
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    erased: bool


class ModerationList(BaseModel):
    items: list[ModerationCommentOut]
    total: int
    limit: int
    offset: int


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_line)] | None = None


class ErasureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, StringConstraints(min_length=3, max_length=254), AfterValidator(_line)] = Field(
        json_schema_extra={"format": "email"})


class ErasureOut(BaseModel):
    erased_comments: int
