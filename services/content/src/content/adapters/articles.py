"""The write side of articles: load an Article aggregate, add it, save it (with its rendered HTML)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from content.adapters.orm import article_conditions, articles
from content.domain.article import Article, ArticleStatus
from content.domain.rendering import RenderedArticle


class ArticleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, article_id: UUID, *, for_update: bool = False) -> Article | None:
        stmt = select(articles).where(articles.c.id == str(article_id))
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).first()
        if row is None:
            return None
        conditions = (await self.session.execute(
            select(article_conditions.c.condition).where(article_conditions.c.article_id == row.id)
            .order_by(article_conditions.c.position)
        )).scalars().all()
        return Article(
            id=UUID(row.id), slug=row.slug, title=row.title, summary=row.summary, markdown=row.markdown,
            author=row.author, conditions=list(conditions), tags=list(row.tags), related_skus=list(row.related_skus),
            medical_reviewer=row.medical_reviewer, reviewed_at=row.reviewed_at,
            status=ArticleStatus(row.status), created_at=row.created_at, updated_at=row.updated_at,
            published_at=row.published_at, version=row.version,
        )

    async def slug_owner(self, slug: str) -> tuple[str, str] | None:
        """The id and status of the article using ``slug``, if any."""
        stmt = select(articles.c.id, articles.c.status).where(articles.c.slug == slug)
        row = (await self.session.execute(stmt)).first()
        return (row.id, row.status) if row else None

    async def add(self, article: Article) -> None:
        await self.session.execute(insert(articles).values(id=str(article.id), created_at=article.created_at,
                                                           **self._row(article)))
        await self._write_conditions(article)

    async def save(self, article: Article) -> None:
        await self.session.execute(
            update(articles).where(articles.c.id == str(article.id)).values(**self._row(article)))
        await self.session.execute(delete(article_conditions).where(article_conditions.c.article_id == str(article.id)))
        await self._write_conditions(article)

    async def _write_conditions(self, article: Article) -> None:
        if article.conditions:
            await self.session.execute(insert(article_conditions), [
                {"article_id": str(article.id), "condition": c, "position": i} for i, c in enumerate(article.conditions)
            ])

    @staticmethod
    def _row(a: Article) -> dict[str, Any]:
        rendered = RenderedArticle(intro_html=a.intro_html, sections=a.sections)
        return {
            "slug": a.slug, "title": a.title, "summary": a.summary, "markdown": a.markdown,
            "intro_html": a.intro_html, "search_text": rendered.text,
            "sections": [{"title": s.title, "html": s.html, "level": s.level} for s in a.sections],
            "author": a.author, "medical_reviewer": a.medical_reviewer, "reviewed_at": a.reviewed_at,
            "tags": list(a.tags), "related_skus": list(a.related_skus), "status": a.status.value,
            "version": a.version, "updated_at": a.updated_at, "published_at": a.published_at,
        }
