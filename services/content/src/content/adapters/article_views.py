"""The read side of articles: what readers and editors are shown, read straight from the stored HTML.

Full-text search is PostgreSQL's own (the generated ``search_vector``, ranked with ``ts_rank``);
on SQLite, the embedded default, every word of the query must appear in the title, summary or body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.db import is_postgres
from content.adapters.orm import article_conditions, articles
from content.domain.article import Article, ArticleStatus

MAX_QUERY_WORDS = 12


@dataclass(frozen=True)
class SectionView:
    title: str
    html: str
    level: int


@dataclass(frozen=True)
class ArticleView:
    id: str
    slug: str
    title: str
    summary: str
    intro_html: str
    sections: list[SectionView]
    conditions: list[str]
    tags: list[str]
    related_skus: list[str]
    author: str
    medical_reviewer: str | None
    reviewed_at: datetime | None
    status: str
    version: int
    published_at: datetime | None
    updated_at: datetime | None
    markdown: str

    @classmethod
    def of(cls, a: Article) -> ArticleView:
        return cls(
            id=str(a.id), slug=a.slug, title=a.title, summary=a.summary, intro_html=a.intro_html,
            sections=[SectionView(s.title, s.html, s.level) for s in a.sections], conditions=list(a.conditions),
            tags=list(a.tags), related_skus=list(a.related_skus), author=a.author,
            medical_reviewer=a.medical_reviewer, reviewed_at=a.reviewed_at, status=a.status.value,
            version=a.version, published_at=a.published_at, updated_at=a.updated_at, markdown=a.markdown,
        )


@dataclass(frozen=True)
class ArticleFilter:
    q: str | None = None
    condition: str | None = None


async def published_by_slug(session: AsyncSession, slug: str) -> ArticleView | None:
    row = (await session.execute(
        select(articles).where(articles.c.slug == slug, articles.c.status == ArticleStatus.PUBLISHED.value)
    )).first()
    return (await _views(session, [row]))[0] if row else None


async def published_id_by_slug(session: AsyncSession, slug: str) -> str | None:
    return (await session.execute(
        select(articles.c.id).where(articles.c.slug == slug, articles.c.status == ArticleStatus.PUBLISHED.value)
    )).scalar()


async def search_published(session: AsyncSession, f: ArticleFilter, limit: int, offset: int
                           ) -> tuple[list[ArticleView], int]:
    """Published articles matching ``f``: best match first when searching, else newest first."""
    stmt = select(articles).where(articles.c.status == ArticleStatus.PUBLISHED.value)
    if f.condition:
        stmt = stmt.where(articles.c.id.in_(
            select(article_conditions.c.article_id).where(article_conditions.c.condition == f.condition)
        ))
    order: list[Any] = [articles.c.published_at.desc(), articles.c.id]
    if f.q:
        if is_postgres(session):
            vector: ColumnElement[Any] = literal_column("articles.search_vector")
            query = func.plainto_tsquery(literal_column("'english'::regconfig"), f.q)
            stmt = stmt.where(vector.op("@@")(query))
            order = [func.ts_rank(vector, query).desc(), *order]
        else:
            stmt = stmt.where(*_every_word_appears(f.q))
    total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
    rows = (await session.execute(stmt.order_by(*order).limit(limit).offset(offset))).all()
    return await _views(session, list(rows)), int(total)


def _every_word_appears(q: str) -> list[ColumnElement[bool]]:
    clauses = []
    for word in q.lower().split()[:MAX_QUERY_WORDS]:
        like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(or_(*(func.lower(c).like(like, escape="\\")
                             for c in (articles.c.title, articles.c.summary, articles.c.search_text))))
    return clauses


async def _views(session: AsyncSession, rows: list[Row[Any]]) -> list[ArticleView]:
    ids = [r.id for r in rows]
    conditions: dict[str, list[str]] = {i: [] for i in ids}
    if ids:
        for c in await session.execute(
            select(article_conditions).where(article_conditions.c.article_id.in_(ids))
            .order_by(article_conditions.c.position)
        ):
            conditions[c.article_id].append(c.condition)
    return [
        ArticleView(
            id=r.id, slug=r.slug, title=r.title, summary=r.summary, intro_html=r.intro_html,
            sections=[SectionView(s["title"], s["html"], s["level"]) for s in r.sections],
            conditions=conditions[r.id], tags=list(r.tags), related_skus=list(r.related_skus), author=r.author,
            medical_reviewer=r.medical_reviewer, reviewed_at=r.reviewed_at, status=r.status,
            version=r.version, published_at=r.published_at, updated_at=r.updated_at,
            markdown=r.markdown,
        )
        for r in rows
    ]
