"""The Article aggregate: publishing workflow, recorded events, slug and field validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from content.demo import seed_page_text
from content.domain.article import Article, ArticleStatus
from content.domain.errors import ArticleStateError, ArticleValidationError
from content.domain.events import ArticlePublished, ArticleUnpublished, ArticleUpdated
from content.domain.importer import import_seed_page

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
REVIEWED = NOW - timedelta(days=2)


def draft(**fields: Any) -> Article:
    values: dict[str, Any] = {
        "id": uuid4(),
        "slug": f"article-{uuid4().hex[:8]}",
        "title": "Ketamine troches",
        "summary": "What troches are.",
        "markdown": "Intro.\n\n## What they are\n\nTroches dissolve.\n",
        "author": "Dr. Writer",
        "conditions": ["depression"],
        "medical_reviewer": "Dr. Reviewer, MD",
        "reviewed_at": REVIEWED,
    } | fields
    return Article(**values)


def test_new_article_is_a_draft_rendered_into_sections() -> None:
    article = draft()
    assert article.status is ArticleStatus.DRAFT
    assert [s.title for s in article.sections] == ["What they are"]
    assert article.intro_html == "<p>Intro.</p>"
    assert article.events == []


def test_publishing_a_draft_records_article_published() -> None:
    article = draft(tags=["troches"], related_skus=["KET-TROCHE-30"])
    article.publish(NOW)
    assert article.status is ArticleStatus.PUBLISHED
    assert article.published_at == NOW
    assert article.version == 1
    assert article.events == [
        ArticlePublished(
            article.id, article.slug, "Ketamine troches", "What troches are.", ("depression",),
            ("troches",), ("KET-TROCHE-30",), 1, NOW,
        )
    ]  # fmt: skip


def test_publishing_needs_a_medical_review() -> None:
    with pytest.raises(ArticleStateError, match="medical reviewer"):
        draft(medical_reviewer=None).publish(NOW)
    with pytest.raises(ArticleStateError, match="medical reviewer"):
        draft(reviewed_at=None).publish(NOW)
    with pytest.raises(ArticleStateError, match="future"):
        draft(reviewed_at=NOW + timedelta(hours=1)).publish(NOW)


def test_publishing_twice_is_refused() -> None:
    article = draft()
    article.publish(NOW)
    with pytest.raises(ArticleStateError, match="already published"):
        article.publish(NOW)
    assert len(article.events) == 1


def test_only_a_published_article_can_be_unpublished() -> None:
    with pytest.raises(ArticleStateError):
        draft().unpublish(NOW)


def test_unpublishing_then_publishing_again_records_both_events() -> None:
    article = draft()
    article.publish(NOW)
    article.unpublish(NOW + timedelta(hours=1))
    assert article.status is ArticleStatus.UNPUBLISHED
    article.publish(NOW + timedelta(hours=2))
    assert [type(e) for e in article.events] == [ArticlePublished, ArticleUnpublished, ArticlePublished]
    assert article.events[1] == ArticleUnpublished(article.id, article.slug, 2, NOW + timedelta(hours=1))


def test_updating_a_published_article_records_what_changed_and_rerenders() -> None:
    article = draft()
    article.publish(NOW)
    changed = article.update(NOW, title="Troches, explained", markdown="## New\n\nText.\n", tags=["troches"])
    assert changed == ("title", "markdown", "tags")
    assert [s.title for s in article.sections] == ["New"]
    event = article.events[-1]
    assert isinstance(event, ArticleUpdated)
    assert event.changed_fields == changed
    assert event.title == "Troches, explained"
    assert event.version == 2


def test_updating_a_draft_records_no_event() -> None:
    article = draft()
    assert article.update(NOW, summary="Another summary.") == ("summary",)
    assert article.events == []
    assert article.version == 1


def test_an_update_that_changes_nothing_is_a_no_op() -> None:
    article = draft()
    article.publish(NOW)
    assert article.update(NOW, title="  Ketamine troches ", conditions=["depression", "depression"]) == ()
    assert article.version == 1
    assert len(article.events) == 1


def test_slug_is_fixed_once_the_article_has_been_published() -> None:
    article = draft()
    assert article.update(NOW, slug="ketamine-troches") == ("slug",)
    article.publish(NOW)
    with pytest.raises(ArticleStateError, match="slug"):
        article.update(NOW, slug="troches")


@pytest.mark.parametrize(
    "slug", ["", "Ketamine", "ketamine treatment", "ketamine--treatment", "-ketamine", "ketamine-", "ké", "a" * 121]
)
def test_invalid_slug_is_refused(slug: str) -> None:
    with pytest.raises(ArticleValidationError) as caught:
        draft(slug=slug)
    assert caught.value.field == "slug"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"summary": "x" * 501}, "summary"),
        ({"markdown": ""}, "markdown"),
        ({"conditions": ["PTSD"]}, "conditions"),
        ({"conditions": "ptsd"}, "conditions"),
        ({"tags": ["two words"]}, "tags"),
        ({"related_skus": ["bad sku"]}, "related_skus"),
        ({"reviewed_at": datetime(2025, 1, 1)}, "reviewed_at"),
    ],
)
def test_invalid_article_field_is_refused_with_its_name(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ArticleValidationError) as caught:
        draft(**fields)
    assert caught.value.field == field


def test_update_refuses_fields_an_editor_cannot_change() -> None:
    with pytest.raises(ArticleValidationError) as caught:
        draft().update(NOW, status="published")
    assert caught.value.field == "status"


def test_seed_article_can_be_drafted_and_published() -> None:
    seed = import_seed_page(seed_page_text())
    article = draft(
        slug=seed.slug, title=seed.title, summary=seed.summary, markdown=seed.markdown,
        conditions=seed.conditions, tags=seed.tags,
    )  # fmt: skip
    article.publish(NOW)
    assert len(article.sections) == 6
    assert article.events[0].conditions == ("depression", "anxiety", "ptsd", "bipolar")  # type: ignore[union-attr]
