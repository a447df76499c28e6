"""Content's event mapper: each domain event, the integration contract it is published as and its
CloudEvent subject (an article's slug, a comment's id), declared once per type. Registered in
`bootstrap.py`; use cases record events (`tx.track(article)`, `tx.record(...)` for a comment) and the
transaction maps and stages them at its end (clinic_shared.outbox.mapper).
"""

from __future__ import annotations

from clinic_shared.events import content as contract
from clinic_shared.outbox.mapper import EventMapper
from content.domain import events as domain

contracts = EventMapper("content")


@contracts.maps(domain.ArticlePublished, subject="slug")
def _published(e: domain.ArticlePublished) -> contract.ArticlePublished:
    return contract.ArticlePublished(article_id=str(e.article_id), slug=e.slug, title=e.title, summary=e.summary,
                                     conditions=list(e.conditions), related_skus=list(e.related_skus),
                                     version=e.version, occurred_at=e.occurred_at)


@contracts.maps(domain.ArticleUpdated, subject="slug")
def _updated(e: domain.ArticleUpdated) -> contract.ArticleUpdated:
    return contract.ArticleUpdated(article_id=str(e.article_id), slug=e.slug, title=e.title, summary=e.summary,
                                   conditions=list(e.conditions), related_skus=list(e.related_skus),
                                   version=e.version, occurred_at=e.occurred_at)


@contracts.maps(domain.ArticleUnpublished, subject="slug")
def _unpublished(e: domain.ArticleUnpublished) -> contract.ArticleUnpublished:
    return contract.ArticleUnpublished(article_id=str(e.article_id), slug=e.slug, version=e.version,
                                       occurred_at=e.occurred_at)


@contracts.maps(domain.CommentSubmitted, subject="comment_id")
def _submitted(e: domain.CommentSubmitted) -> contract.CommentSubmitted:
    return contract.CommentSubmitted(comment_id=e.comment_id, article_id=e.article_id, parent_id=e.parent_id,
                                     status=e.status)


@contracts.maps(domain.CommentApproved, subject="comment_id")
def _approved(e: domain.CommentApproved) -> contract.CommentApproved:
    return contract.CommentApproved(comment_id=e.comment_id, article_id=e.article_id, decided_by=e.decided_by)


@contracts.maps(domain.CommentRejected, subject="comment_id")
def _rejected(e: domain.CommentRejected) -> contract.CommentRejected:
    return contract.CommentRejected(comment_id=e.comment_id, article_id=e.article_id, decided_by=e.decided_by,
                                    reason=e.reason)
