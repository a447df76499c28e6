"""Articles: the public list (search, condition) and page; the editors' create, change, publish, unpublish."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from clinic_shared.auth import Editor
from clinic_shared.errors import Problem, problem_responses
from clinic_shared.http import RuntimeDep
from content.adapters.article_views import ArticleFilter
from content.entrypoints.http.deps import ArticleId, Limit, Offset, SlugPath, clean_query
from content.entrypoints.http.schemas import (
    SLUG_PATTERN,
    ArticleIn,
    ArticleList,
    ArticleOut,
    ArticlePatch,
    EditorArticleOut,
)
from content.entrypoints.http.views import article_out, summary_out
from content.service_layer import articles as svc

router = APIRouter(prefix="/articles", tags=["articles"])
EDITOR_ERRORS = problem_responses(401, 403, 404, 409, 422)
NULLABLE = {"medical_reviewer", "reviewed_at"}


@router.get("", response_model=ArticleList, responses=problem_responses(422))
async def list_articles(
    runtime: RuntimeDep,
    q: Annotated[str | None, Query(max_length=200, description="Words to search for.")] = None,
    condition: Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=120)] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> ArticleList:
    """Published articles: best match first when searching (full text), newest first otherwise."""
    items, total = await svc.list_articles(runtime, ArticleFilter(q=clean_query(q), condition=condition),
                                           limit, offset)
    return ArticleList(items=[summary_out(a) for a in items], total=total, limit=limit, offset=offset)


@router.get("/{slug}", response_model=ArticleOut, responses=problem_responses(404, 422))
async def get_article(runtime: RuntimeDep, slug: SlugPath) -> ArticleOut:
    """A published article: sanitized HTML by section, and related treatments with their current price."""
    return article_out(await svc.article_page(runtime, slug))


@router.post("", status_code=201, response_model=EditorArticleOut, responses=EDITOR_ERRORS)
async def create_article(runtime: RuntimeDep, body: ArticleIn, _: Editor) -> ArticleOut:
    """A new draft. A taken slug is a 409 whose answer carries the existing article's `article_id`."""
    return article_out(await svc.create_article(runtime, body.model_dump()), editor=True)


@router.patch("/{article_id}", response_model=EditorArticleOut, responses=EDITOR_ERRORS)
async def update_article(runtime: RuntimeDep, article_id: ArticleId, body: ArticlePatch, _: Editor) -> ArticleOut:
    changes = body.model_dump(exclude_unset=True)
    nulls = sorted(k for k, v in changes.items() if v is None and k not in NULLABLE)
    if nulls:
        raise Problem(422, "Invalid request", f"These fields cannot be null: {', '.join(nulls)}.")
    return article_out(await svc.update_article(runtime, article_id, changes), editor=True)


@router.post("/{article_id}/publish", response_model=EditorArticleOut, responses=EDITOR_ERRORS)
async def publish_article(runtime: RuntimeDep, article_id: ArticleId, _: Editor) -> ArticleOut:
    """Publish a reviewed article (it needs medical_reviewer and reviewed_at; otherwise 409)."""
    return article_out(await svc.publish_article(runtime, article_id), editor=True)


@router.post("/{article_id}/unpublish", response_model=EditorArticleOut, responses=EDITOR_ERRORS)
async def unpublish_article(runtime: RuntimeDep, article_id: ArticleId, _: Editor) -> ArticleOut:
    return article_out(await svc.unpublish_article(runtime, article_id), editor=True)
