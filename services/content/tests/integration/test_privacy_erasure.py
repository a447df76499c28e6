"""A commenter's personal data is erased on request: name, email, website and words, in every comment."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from clinic_shared.testing.plugin import auth_headers
from content.adapters.orm import comments
from content.settings import ContentSettings

MODERATOR = auth_headers("moderator-1", "moderator")
OPS = auth_headers("ops-1", "ops")


async def test_erasure_replaces_the_commenters_data_and_keeps_the_thread(
    content: httpx.AsyncClient, publish_article: Any, content_settings: ContentSettings,
) -> None:
    slug = (await publish_article())["slug"]
    email = f"forget-me-{uuid.uuid4().hex[:8]}@example.com"
    mine = await content.post(f"/articles/{slug}/comments", json={
        "author_name": "Alex Doe", "email": email, "website": "https://alex.example", "body": "My story: troches helped."})
    await content.post(f"/moderation/comments/{mine.json()['id']}/approve", headers=MODERATOR)
    second = await content.post(f"/articles/{slug}/comments", json={
        "author_name": "Alex", "email": email.upper(), "body": "Week two is better."})
    assert second.status_code == 201
    reply = await content.post(f"/articles/{slug}/comments", json={
        "author_name": "Bea", "email": "bea@example.com", "body": "Glad to hear!", "parent_id": mine.json()["id"]})
    await content.post(f"/moderation/comments/{reply.json()['id']}/approve", headers=MODERATOR)

    assert (await content.post("/privacy/erasure", json={"email": email})).status_code == 401
    customer = auth_headers("c-1", "customer")
    assert (await content.post("/privacy/erasure", json={"email": email}, headers=customer)).status_code == 403
    erased = await content.post("/privacy/erasure", json={"email": f"  {email.upper()} "}, headers=OPS)
    assert erased.status_code == 200, erased.text
    assert erased.json() == {"erased_comments": 2}

    public = (await content.get(f"/articles/{slug}/comments")).json()["items"]
    assert [(c["author_name"], c["parent_id"]) for c in public] == [
        ("[erased]", None), ("[erased]", None), ("Bea", mine.json()["id"])]
    assert "troches helped" not in str(public) and "Week two" not in str(public)
    assert "erased at the commenter's request" in public[0]["body_html"]
    queue = (await content.get("/moderation/comments", params={"status": "approved"}, headers=MODERATOR)).json()
    assert [c["erased"] for c in queue["items"]] == [True, True, False]
    assert all(c["website"] is None for c in queue["items"][:2])

    engine = create_async_engine(content_settings.database_url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(comments).where(comments.c.erased_at.is_not(None)))).all()
    finally:
        await engine.dispose()
    assert len(rows) == 2
    for row in rows:
        assert row.email is None and row.email_hash is None and row.website is None
        assert row.body == "" and row.body_fingerprint is None and row.author_name == "[erased]"

    again = await content.post("/privacy/erasure", json={"email": email}, headers=MODERATOR)
    assert again.json() == {"erased_comments": 0}
    fresh = await content.post(f"/articles/{slug}/comments", json={
        "author_name": "Alex", "email": email, "body": "Back again."})
    assert fresh.json()["status"] == "pending"  # erased history: a new commenter again
