"""Comments and moderation on real PostgreSQL and Kafka: held, approved, auto-approved, spam, threads, events."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from clinic_shared.events.envelope import decode
from clinic_shared.testing.plugin import auth_headers, read_topic
from content.settings import ContentSettings

MODERATOR = auth_headers("moderator-1", "moderator")


def _comment(email: str, body: str, **fields: Any) -> dict[str, Any]:
    return {"author_name": "Sam", "email": email, "body": body} | fields


async def _public(client: httpx.AsyncClient, slug: str) -> list[dict[str, Any]]:
    response = await client.get(f"/articles/{slug}/comments")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_new_commenter_is_held_then_approved_and_their_next_comment_is_approved_automatically(
    content: httpx.AsyncClient, publish_article: Any, content_settings: ContentSettings,
) -> None:
    article = await publish_article()
    slug, email = article["slug"], f"sam-{uuid.uuid4().hex[:8]}@example.com"

    held = await content.post(f"/articles/{slug}/comments", json=_comment(email, "Did troches help anyone?"))
    assert held.status_code == 202, held.text
    assert held.json()["status"] == "pending" and held.json()["comment"] is None
    assert await _public(content, slug) == []
    queue = (await content.get("/moderation/comments", headers=MODERATOR)).json()
    assert [c["id"] for c in queue["items"]] == [held.json()["id"]]
    assert queue["items"][0]["reasons"] == ["comments from a new commenter wait for a moderator"]

    approved = await content.post(f"/moderation/comments/{held.json()['id']}/approve", headers=MODERATOR)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert [c["id"] for c in await _public(content, slug)] == [held.json()["id"]]
    assert (await content.get("/moderation/comments", headers=MODERATOR)).json()["items"] == []

    again = await content.post(f"/articles/{slug}/comments", json=_comment(email.upper(), "Yes, they did."))
    assert again.status_code == 201, again.text
    assert again.json()["status"] == "approved"
    assert again.json()["comment"]["body_html"] == "<p>Yes, they did.</p>"
    public = await _public(content, slug)
    assert [c["id"] for c in public] == [held.json()["id"], again.json()["id"]]
    assert set(public[0]) == {"id", "author_name", "body_html", "created_at", "parent_id"}

    topic = content_settings.kafka_topic_prefix + "content.comment.v1"
    events = [decode(r.headers, r.key, r.value)
              for r in await read_topic(content_settings.kafka_bootstrap_servers, topic, expect=4)]
    assert [(e.type.split(".")[2], e.data.get("status"), e.data.get("decided_by")) for e in events] == [
        ("comment-submitted", "pending", None),
        ("comment-approved", None, "moderator-1"),
        ("comment-submitted", "approved", None),
        ("comment-approved", None, "auto-moderation"),
    ]
    assert {e.key for e in events} == {article["id"]}


async def test_honeypot_is_spam_answered_like_a_held_comment_and_rejected_on_the_topic(
    content: httpx.AsyncClient, publish_article: Any, content_settings: ContentSettings,
) -> None:
    slug = (await publish_article())["slug"]
    bot = await content.post(f"/articles/{slug}/comments",
                             json=_comment("bot@example.com", "Great post", honeypot="http://spam.example"))
    assert bot.status_code == 202
    assert bot.json()["status"] == "pending"  # a bot learns nothing
    spam = (await content.get("/moderation/comments", params={"status": "spam"}, headers=MODERATOR)).json()
    assert [c["id"] for c in spam["items"]] == [bot.json()["id"]]
    assert "honeypot" in spam["items"][0]["reasons"][0]
    assert (await content.get("/moderation/comments", headers=MODERATOR)).json()["total"] == 0

    topic = content_settings.kafka_topic_prefix + "content.comment.v1"
    events = [decode(r.headers, r.key, r.value)
              for r in await read_topic(content_settings.kafka_bootstrap_servers, topic, expect=2)]
    assert [e.type for e in events] == ["clinic.content.comment-submitted.v1", "clinic.content.comment-rejected.v1"]
    assert events[0].data["status"] == "spam"
    assert events[1].data["reason"].startswith("spam:") and events[1].data["decided_by"] == "auto-moderation"


async def test_links_hold_a_known_commenter_and_five_links_are_spam(
    content: httpx.AsyncClient, publish_article: Any,
) -> None:
    slug = (await publish_article())["slug"]
    email = f"links-{uuid.uuid4().hex[:8]}@example.com"
    first = await content.post(f"/articles/{slug}/comments", json=_comment(email, "Hello"))
    await content.post(f"/moderation/comments/{first.json()['id']}/approve", headers=MODERATOR)
    three = " ".join(f"https://example.com/{i}" for i in range(3))
    held = await content.post(f"/articles/{slug}/comments", json=_comment(email, f"See {three}"))
    assert held.status_code == 202 and held.json()["status"] == "pending"
    five = " ".join(f"https://example.com/{i}" for i in range(5))
    caught = await content.post(f"/articles/{slug}/comments", json=_comment("other@example.com", f"Buy {five}"))
    assert caught.json()["status"] == "pending"
    spam = (await content.get("/moderation/comments", params={"status": "spam"}, headers=MODERATOR)).json()
    assert [c["id"] for c in spam["items"]] == [caught.json()["id"]]


async def test_duplicates_and_the_rate_limit_reject_with_reasons(
    content: httpx.AsyncClient, publish_article: Any,
) -> None:
    slug = (await publish_article())["slug"]
    email = f"fast-{uuid.uuid4().hex[:8]}@example.com"
    assert (await content.post(f"/articles/{slug}/comments", json=_comment(email, "First!"))).status_code == 202
    duplicate = await content.post(f"/articles/{slug}/comments", json=_comment(email, "  first! "))
    assert duplicate.status_code == 202
    assert duplicate.json()["status"] == "rejected"
    assert duplicate.json()["reasons"] == ["this commenter already posted the same comment"]
    assert (await content.post(f"/articles/{slug}/comments", json=_comment(email, "Second"))).json()["status"] \
        == "pending"
    limited = await content.post(f"/articles/{slug}/comments", json=_comment(email, "Third"))
    assert limited.json()["status"] == "rejected"
    assert "more than 3 comments in 10 minutes" in limited.json()["reasons"][0]


async def test_replies_thread_under_an_approved_comment_of_the_same_article(
    content: httpx.AsyncClient, publish_article: Any,
) -> None:
    slug = (await publish_article())["slug"]
    other_slug = (await publish_article())["slug"]
    root = await content.post(f"/articles/{slug}/comments", json=_comment("a@example.com", "Question?"))
    held_reply = await content.post(f"/articles/{slug}/comments",
                                    json=_comment("b@example.com", "Too early", parent_id=root.json()["id"]))
    assert held_reply.status_code == 422  # the parent is not published yet
    await content.post(f"/moderation/comments/{root.json()['id']}/approve", headers=MODERATOR)
    reply = await content.post(f"/articles/{slug}/comments",
                               json=_comment("b@example.com", "Answer.", parent_id=root.json()["id"]))
    assert reply.status_code == 202, reply.text
    await content.post(f"/moderation/comments/{reply.json()['id']}/approve", headers=MODERATOR)
    public = await _public(content, slug)
    assert [(c["id"], c["parent_id"]) for c in public] == [
        (root.json()["id"], None), (reply.json()["id"], root.json()["id"])]
    elsewhere = await content.post(f"/articles/{other_slug}/comments",
                                   json=_comment("c@example.com", "Wrong thread", parent_id=root.json()["id"]))
    assert elsewhere.status_code == 422
    assert "parent_id" in elsewhere.json()["detail"]


async def test_moderator_rejects_and_marks_spam_with_events_and_decisions_are_idempotent(
    content: httpx.AsyncClient, publish_article: Any, content_settings: ContentSettings,
) -> None:
    slug = (await publish_article())["slug"]
    one = (await content.post(f"/articles/{slug}/comments", json=_comment("x@example.com", "Rude"))).json()
    two = (await content.post(f"/articles/{slug}/comments", json=_comment("y@example.com", "Ads"))).json()
    rejected = await content.post(f"/moderation/comments/{one['id']}/reject", headers=MODERATOR,
                                  json={"reason": "off topic"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["reasons"] == ["off topic"] and rejected.json()["decided_by"] == "moderator-1"
    assert (await content.post(f"/moderation/comments/{one['id']}/reject", headers=MODERATOR)).status_code == 200
    assert (await content.post(f"/moderation/comments/{two['id']}/spam", headers=MODERATOR)).json()["status"] == "spam"
    assert (await content.post(f"/moderation/comments/{two['id']}/approve")).status_code == 401
    customer = auth_headers("c-1", "customer")
    assert (await content.get("/moderation/comments", headers=customer)).status_code == 403
    missing = "00000000-0000-4000-8000-000000000000"
    assert (await content.post(f"/moderation/comments/{missing}/approve", headers=MODERATOR)).status_code == 404

    topic = content_settings.kafka_topic_prefix + "content.comment.v1"
    events = [decode(r.headers, r.key, r.value)
              for r in await read_topic(content_settings.kafka_bootstrap_servers, topic, expect=4)]
    rejections = [e.data for e in events if e.type == "clinic.content.comment-rejected.v1"]
    assert [(r["comment_id"], r["reason"]) for r in rejections] == [
        (one["id"], "rejected: off topic"), (two["id"], "spam: marked as spam by a moderator")]


async def test_invalid_comments_get_a_422_naming_the_field(content: httpx.AsyncClient, publish_article: Any) -> None:
    slug = (await publish_article())["slug"]
    good = _comment("ok@example.com", "Fine")
    for bad, field in (({**good, "email": "not-an-email"}, "email"), ({**good, "author_name": "  "}, "author_name"),
                       ({**good, "website": "javascript:alert(1)"}, "website"), ({**good, "body": " "}, "body"),
                       ({**good, "author_name": "<b>Sam</b>"}, "author_name"), ({"body": "x"}, "author_name")):
        response = await content.post(f"/articles/{slug}/comments", json=bad)
        assert response.status_code == 422, (bad, response.text)
        assert field in response.json()["detail"], response.text
    assert (await content.post("/articles/no-such-article/comments", json=good)).status_code == 404
