"""A commenter's email is stored and goes nowhere else: no answer, no event, no log line, no span."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from clinic_shared.testing.plugin import auth_headers, read_topic
from content.adapters.orm import comments
from content.domain.comments import email_hash
from content.settings import ContentSettings

MODERATOR = auth_headers("moderator-1", "moderator")
OPS = auth_headers("ops-1", "ops")


async def test_the_commenters_email_appears_in_no_answer_topic_log_or_trace(
    content: httpx.AsyncClient, publish_article: Any, content_settings: ContentSettings,
    spans: InMemorySpanExporter, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    local = f"private.reader.{uuid.uuid4().hex[:10]}"
    email = f"{local}@Example.com"
    needles = [email.lower(), local]
    article = await publish_article(related_skus=["TROCHE-30D-100"])
    slug = article["slug"]
    answers: list[httpx.Response] = []

    def comment(body: str, **fields: Any) -> dict[str, Any]:
        return {"author_name": "Private Reader", "email": email, "body": body} | fields

    held = await content.post(f"/articles/{slug}/comments", json=comment("Are troches safe?"))
    answers += [held, await content.get("/moderation/comments", headers=MODERATOR)]
    answers.append(await content.post(f"/moderation/comments/{held.json()['id']}/approve", headers=MODERATOR))
    answers.append(await content.post(f"/articles/{slug}/comments",
                                      json=comment("Thanks!", website="https://reader.example/me")))
    answers.append(await content.post(f"/articles/{slug}/comments", json=comment("Thanks!")))  # a duplicate
    answers.append(await content.post(f"/articles/{slug}/comments",
                                      json=comment("Reply", parent_id=held.json()["id"], honeypot="x")))  # spam
    answers.append(await content.post(f"/articles/{slug}/comments", json=comment(" ")))  # invalid: 422
    answers.append(await content.post(f"/articles/{slug}/comments", json=comment("x", email=email + "x@")))
    for path in (f"/articles/{slug}/comments", f"/articles/{slug}", "/articles", "/articles?q=troches",
                 "/openapi.json", "/asyncapi.json", "/metrics", "/healthz", "/readyz"):
        answers.append(await content.get(path))
    for status in ("pending", "approved", "rejected", "spam"):
        answers.append(await content.get("/moderation/comments", params={"status": status}, headers=MODERATOR))
    assert [a.status_code for a in answers[:8]] == [202, 200, 200, 201, 202, 202, 422, 422]
    assert len((await content.get(f"/articles/{slug}/comments")).json()["items"]) == 2

    for answer in answers:
        text = answer.text.lower() + str(answer.headers).lower()
        assert not [n for n in needles if n in text], f"email in the answer to {answer.request.url}"

    prefix, kafka = content_settings.kafka_topic_prefix, content_settings.kafka_bootstrap_servers
    comment_events = await read_topic(kafka, prefix + "content.comment.v1", expect=8)
    assert len(comment_events) == 8  # submitted, approved, then submitted + approved / rejected / rejected
    article_events = await read_topic(kafka, prefix + "content.article.v1", expect=1)
    for record in [*comment_events, *article_events]:
        raw = (record.value or b"") + (record.key or b"") + b"".join(v for _, v in record.headers or [])
        assert not [n for n in needles if n.encode() in raw.lower()], "email in an event"

    records = caplog.records
    assert records, "nothing was logged: the scan proves nothing"
    logged = caplog.text.lower() + " ".join(str(r.__dict__) for r in records).lower()
    assert not [n for n in needles if n in logged], "email in a log record"

    finished = spans.get_finished_spans()
    assert any(s.attributes and "http.route" in s.attributes for s in finished), "no HTTP span was recorded"
    traced = " ".join(
        f"{s.name} {dict(s.attributes or {})} {[(e.name, dict(e.attributes or {})) for e in s.events]}"
        for s in finished
    ).lower()
    assert not [n for n in needles if n in traced], "email in a span"


async def test_the_email_is_stored_for_the_clinic_and_commenters_are_matched_by_its_hash(
    content: httpx.AsyncClient, publish_article: Any, content_settings: ContentSettings,
) -> None:
    # The scan above proves something only if the address really arrived: it is in the database.
    slug = (await publish_article())["slug"]
    email = f"stored-{uuid.uuid4().hex[:8]}@example.com"
    posted = await content.post(f"/articles/{slug}/comments",
                                json={"author_name": "Kim", "email": email, "body": "Hello"})
    assert posted.status_code == 202
    engine = create_async_engine(content_settings.database_url)
    try:
        async with engine.connect() as conn:
            row = (await conn.execute(select(comments.c.email, comments.c.email_hash)
                                      .where(comments.c.id == posted.json()["id"]))).one()
    finally:
        await engine.dispose()
    assert row.email == email
    assert row.email_hash == email_hash(email, content_settings.comment_email_pepper)
    assert email not in row.email_hash
