"""The domain's XSS corpus (OWASP cheat-sheet kinds), posted as comments, comes out inert in every answer."""

from __future__ import annotations

import uuid
from types import ModuleType
from typing import Any

import httpx

from clinic_shared.testing.plugin import auth_headers
from content.domain.sanitizing import COMMENT_TAGS

MODERATOR = auth_headers("moderator-1", "moderator")
HTML_FIELDS = {"body_html", "intro_html", "html"}


def assert_inert(answer: Any, xss: ModuleType, path: str = "$") -> int:
    """Every HTML field passes the corpus's safety check; every other string has no markup at all.

    Returns how many HTML fields were checked, so a test can tell it looked at something.
    """
    checked = 0
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key in HTML_FIELDS and isinstance(value, str):
                xss.assert_safe(value, COMMENT_TAGS | xss.ARTICLE_TAGS)
                checked += 1
            else:
                checked += assert_inert(value, xss, f"{path}.{key}")
    elif isinstance(answer, list):
        for i, value in enumerate(answer):
            checked += assert_inert(value, xss, f"{path}[{i}]")
    elif isinstance(answer, str):
        assert "<" not in answer and ">" not in answer, f"markup in plain-text field {path}: {answer!r}"
    return checked


async def test_xss_corpus_posted_as_comments_is_inert_in_every_answer(
    content: httpx.AsyncClient, publish_article: Any, unit_xss: ModuleType,
) -> None:
    slug = (await publish_article())["slug"]
    payloads: list[str] = unit_xss.PAYLOADS
    assert len(payloads) >= 40
    accepted: list[str] = []
    for i, payload in enumerate(payloads):
        website = f"https://example.com/{payload}" if not any(c.isspace() for c in payload) else None
        response = await content.post(f"/articles/{slug}/comments", json={
            "author_name": f"Reader {i} javascript:alert(1)", "email": f"xss-{i}-{uuid.uuid4().hex[:6]}@example.com",
            "body": f"Nice post!\n\n{payload}\nhttps://example.com/{payload}", "website": website,
        })
        assert response.status_code in (201, 202, 422), response.text
        assert_inert(response.json(), unit_xss)
        if response.status_code != 422:
            accepted.append(response.json()["id"])
    assert len(accepted) >= len(payloads) - 5  # nearly every payload is a valid comment body

    for status in ("pending", "spam", "rejected"):
        queue = await content.get("/moderation/comments", params={"status": status, "limit": 100}, headers=MODERATOR)
        assert queue.status_code == 200
        assert_inert(queue.json(), unit_xss)
    for comment_id in accepted:
        decided = await content.post(f"/moderation/comments/{comment_id}/approve", headers=MODERATOR)
        assert decided.status_code == 200
        assert_inert(decided.json(), unit_xss)

    public = await content.get(f"/articles/{slug}/comments", params={"limit": 100})
    assert public.status_code == 200
    assert public.json()["total"] == len(accepted)
    assert assert_inert(public.json(), unit_xss) == len(accepted)
    assert "<script" not in public.text.lower()
    for answer in (await content.get(f"/articles/{slug}"), await content.get("/articles")):
        assert_inert(answer.json(), unit_xss)


def test_the_inert_check_catches_markup_in_plain_text_and_unsafe_html(unit_xss: ModuleType) -> None:
    for unsafe in ({"author_name": "<script>x</script>"}, {"items": [{"body_html": '<p onclick="x">y</p>'}]},
                   {"body_html": '<a href="javascript:alert(1)">x</a>'}):
        try:
            assert_inert(unsafe, unit_xss)
        except AssertionError:
            continue
        raise AssertionError(f"not caught: {unsafe}")
