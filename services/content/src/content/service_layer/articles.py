"""Article use cases. Each change commits with its events (through the outbox) or not at all."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from clinic_shared.application_errors import Conflict, NotFound
from clinic_shared.events.base import utcnow
from clinic_shared.runtime import ServiceRuntime, Tx
from content.adapters.article_views import ArticleFilter, ArticleView, published_by_slug, search_published
from content.adapters.articles import ArticleRepository
from content.adapters.read_models import CatalogView, RelatedProduct
from content.domain.article import Article, ArticleStatus
from content.domain.slugs import slugify


@dataclass(frozen=True)
class ArticlePage:
    """An article as shown: its view and the related treatments currently for sale, with prices."""

    article: ArticleView
    related_products: list[RelatedProduct]


async def _page(tx: Tx, article: Article) -> ArticlePage:
    tx.track(article)  # its recorded events are published at the end of the transaction
    return ArticlePage(ArticleView.of(article), await CatalogView(tx.session).related(article.related_skus))


async def _slug_free(repo: ArticleRepository, slug: str, other_than: str | None = None) -> None:
    owner = await repo.slug_owner(slug)
    if owner is not None and owner[0] != other_than:
        raise Conflict(f"The slug '{slug}' is already used by another article.",
                       article_id=owner[0], article_status=owner[1])


async def create_article(runtime: ServiceRuntime, data: dict[str, Any]) -> ArticlePage:
    now = utcnow()
    slug = data.pop("slug", None) or slugify(data["title"])
    article = Article(id=uuid.uuid4(), slug=slug, created_at=now, updated_at=now, **data)
    async with runtime.transaction() as tx:
        repo = ArticleRepository(tx.session)
        await _slug_free(repo, article.slug)
        await repo.add(article)
        return await _page(tx, article)


async def _change(runtime: ServiceRuntime, article_id: uuid.UUID, action: str, changes: dict[str, Any]) -> ArticlePage:
    async with runtime.transaction() as tx:
        repo = ArticleRepository(tx.session)
        article = await repo.get(article_id, for_update=True)
        if article is None:
            raise NotFound(f"No article with id {article_id}.")
        now = utcnow()
        if action == "publish":
            article.publish(now)
        elif action == "unpublish":
            article.unpublish(now)
        else:
            if "slug" in changes:
                await _slug_free(repo, changes["slug"], other_than=str(article_id))
            article.update(now, **changes)
        if article.status is ArticleStatus.PUBLISHED and not (article.medical_reviewer and article.reviewed_at):
            raise Conflict("A published article keeps its medical reviewer and reviewed_at; "
                           "unpublish it first.")
        await repo.save(article)
        return await _page(tx, article)


async def update_article(runtime: ServiceRuntime, article_id: uuid.UUID, changes: dict[str, Any]) -> ArticlePage:
    return await _change(runtime, article_id, "update", changes)


async def publish_article(runtime: ServiceRuntime, article_id: uuid.UUID) -> ArticlePage:
    return await _change(runtime, article_id, "publish", {})


async def unpublish_article(runtime: ServiceRuntime, article_id: uuid.UUID) -> ArticlePage:
    return await _change(runtime, article_id, "unpublish", {})


async def list_articles(runtime: ServiceRuntime, f: ArticleFilter, limit: int, offset: int
                        ) -> tuple[list[ArticleView], int]:
    async with runtime.sessions() as session:
        return await search_published(session, f, limit, offset)


async def article_page(runtime: ServiceRuntime, slug: str) -> ArticlePage:
    async with runtime.sessions() as session:
        view = await published_by_slug(session, slug)
        if view is None:
            raise NotFound(f"No published article with slug '{slug}'.")
        return ArticlePage(view, await CatalogView(session).related(view.related_skus))
