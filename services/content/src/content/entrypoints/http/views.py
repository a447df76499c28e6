"""From the service's views to the HTTP shapes."""

from __future__ import annotations

from content.adapters.article_views import ArticleView
from content.adapters.comments import CommentView
from content.entrypoints.http.schemas import (
    ArticleOut,
    ArticleSummaryOut,
    EditorArticleOut,
    ModerationCommentOut,
    PublicCommentOut,
    RelatedProductOut,
    SectionOut,
)
from content.service_layer.articles import ArticlePage


def summary_out(a: ArticleView) -> ArticleSummaryOut:
    return ArticleSummaryOut(
        id=a.id, slug=a.slug, title=a.title, summary=a.summary, conditions=a.conditions, tags=a.tags,
        author=a.author, medical_reviewer=a.medical_reviewer, reviewed_at=a.reviewed_at, published_at=a.published_at,
    )


def article_out(page: ArticlePage, editor: bool = False) -> ArticleOut:
    a = page.article
    fields = summary_out(a).model_dump() | {
        "intro_html": a.intro_html,
        "sections": [SectionOut(title=s.title, html=s.html, level=s.level) for s in a.sections],
        "related_products": [RelatedProductOut.model_validate(p, from_attributes=True) for p in page.related_products],
        "status": a.status, "version": a.version, "updated_at": a.updated_at,
    }
    if editor:
        return EditorArticleOut(**fields, markdown=a.markdown, related_skus=a.related_skus)
    return ArticleOut(**fields)


def public_comment_out(c: CommentView) -> PublicCommentOut:
    return PublicCommentOut(id=c.id, author_name=c.author_name, body_html=c.body_html, created_at=c.created_at,
                            parent_id=c.parent_id)


def moderation_comment_out(c: CommentView) -> ModerationCommentOut:
    return ModerationCommentOut.model_validate(c, from_attributes=True)
