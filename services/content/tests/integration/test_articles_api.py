"""Articles over HTTP on real PostgreSQL and Kafka: the imported seed, search, workflow, events, errors."""

from __future__ import annotations

from typing import Any

import httpx

from clinic_shared.events.envelope import decode
from clinic_shared.testing.plugin import auth_headers, read_topic
from content.demo.load import seed_article
from content.settings import ContentSettings

EDITOR = auth_headers("editor-1", "editor")
SEED_SECTION_TITLES = [
    "The Evolution of Ketamine from Anesthetic to Therapeutic Agent",
    "Mechanisms of Action: Unraveling the Neurochemical Magic",
    "Applications of Ketamine Treatment in Mental Health",
    "The Administration of Ketamine Treatment",
    "The Future of Ketamine Treatment: Ongoing Research and Innovations",
    "Conclusion: Transformative Potential for Mental Health",
]


async def _publish_seed(client: httpx.AsyncClient) -> dict[str, Any]:
    created = await client.post("/articles", json=seed_article(), headers=EDITOR)
    assert created.status_code == 201, created.text
    published = await client.post(f"/articles/{created.json()['id']}/publish", headers=EDITOR)
    assert published.status_code == 200, published.text
    return dict(published.json())


async def _found(client: httpx.AsyncClient, **params: str) -> list[str]:
    response = await client.get("/articles", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return [a["slug"] for a in body["items"]]


async def test_imported_seed_article_has_the_seed_sections_in_order_and_its_fields(content: httpx.AsyncClient) -> None:
    seed = await _publish_seed(content)
    page = await content.get(f"/articles/{seed['slug']}")
    assert page.status_code == 200, page.text
    article = page.json()
    assert [s["title"] for s in article["sections"]] == SEED_SECTION_TITLES
    assert all(s["html"].startswith("<") for s in article["sections"])
    assert "<ol>" in article["sections"][2]["html"]  # the numbered applications stay a list
    assert article["title"].startswith("Exploring the Realm of Ketamine Treatment")
    assert article["summary"].startswith("Ketamine, once primarily recognized as an anesthetic")
    assert article["author"] == "Clinic editorial team"
    assert article["medical_reviewer"] == "Medical review team"
    assert article["reviewed_at"].startswith("2026-11-01")
    assert "depression" in article["conditions"]
    assert article["related_products"] == []  # nothing from the catalog yet
    for chrome in ("Your Cart is empty", "Leave a Reply", "20% off", "Browse Products"):
        assert chrome not in page.text
    assert {"id", "slug", "title", "summary", "sections", "conditions", "related_products", "intro_html"} <= set(article)
    assert "markdown" not in article  # editors' field, not a reader's


async def test_search_for_troches_and_the_condition_filter_find_the_seed_article(content: httpx.AsyncClient) -> None:
    seed = await _publish_seed(content)
    other = await content.post("/articles", json={
        "slug": "sleep-hygiene", "title": "Sleep hygiene", "summary": "Sleeping better.", "author": "Team",
        "markdown": "## Evenings\n\nDim the lights.\n", "conditions": ["insomnia"],
        "medical_reviewer": "Dr. Review", "reviewed_at": "2026-01-01T00:00:00Z",
    }, headers=EDITOR)
    await content.post(f"/articles/{other.json()['id']}/publish", headers=EDITOR)

    assert await _found(content, q="troches") == [seed["slug"]]
    assert await _found(content, q="troche") == [seed["slug"]]  # stemmed: the singular finds the plural
    assert await _found(content, q="NMDA receptors glutamate") == [seed["slug"]]
    assert await _found(content, q="dim lights") == ["sleep-hygiene"]
    assert await _found(content, q="zebra unicorn") == []
    assert await _found(content, condition="depression") == [seed["slug"]]
    assert await _found(content, condition="insomnia") == ["sleep-hygiene"]
    assert await _found(content, condition="depression", q="lights") == []
    assert sorted(await _found(content)) == sorted([seed["slug"], "sleep-hygiene"])


async def test_drafts_are_hidden_and_publishing_needs_a_medical_review(content: httpx.AsyncClient) -> None:
    draft = await content.post("/articles", json={
        "title": "Unreviewed troches", "summary": "Not yet.", "author": "Team", "markdown": "## A\n\ntroches\n",
    }, headers=EDITOR)
    assert draft.status_code == 201, draft.text
    body = draft.json()
    assert body["slug"] == "unreviewed-troches" and body["status"] == "draft"
    assert (await content.get("/articles/unreviewed-troches")).status_code == 404
    assert await _found(content, q="troches") == []

    refused = await content.post(f"/articles/{body['id']}/publish", headers=EDITOR)
    assert refused.status_code == 409
    assert "medical reviewer" in refused.json()["detail"]

    patched = await content.patch(f"/articles/{body['id']}", headers=EDITOR, json={
        "medical_reviewer": "Dr. Review", "reviewed_at": "2026-01-01T00:00:00+00:00"})
    assert patched.status_code == 200, patched.text
    assert (await content.post(f"/articles/{body['id']}/publish", headers=EDITOR)).status_code == 200
    assert await _found(content, q="troches") == ["unreviewed-troches"]

    taken = await content.post("/articles", json={
        "title": "Unreviewed troches", "summary": "Again.", "author": "Team", "markdown": "x"}, headers=EDITOR)
    assert taken.status_code == 409
    assert taken.json()["article_id"] == body["id"] and taken.json()["article_status"] == "published"


async def test_publish_update_unpublish_send_article_events_in_order(
    content: httpx.AsyncClient, content_settings: ContentSettings,
) -> None:
    created = (await content.post("/articles", json={
        "slug": "ketamine-basics", "title": "Ketamine basics", "summary": "Basics.", "author": "Team",
        "markdown": "## What\n\nA medicine.\n", "medical_reviewer": "Dr. Review",
        "reviewed_at": "2026-01-01T00:00:00Z", "conditions": ["depression"], "related_skus": ["KETAMINE-IV-1"],
    }, headers=EDITOR)).json()
    await content.patch(f"/articles/{created['id']}", json={"title": "Draft title change"}, headers=EDITOR)
    await content.post(f"/articles/{created['id']}/publish", headers=EDITOR)
    changed = await content.patch(f"/articles/{created['id']}", json={"summary": "Better basics."}, headers=EDITOR)
    assert changed.status_code == 200 and changed.json()["summary"] == "Better basics."
    slug_change = await content.patch(f"/articles/{created['id']}", json={"slug": "other-slug"}, headers=EDITOR)
    assert slug_change.status_code == 409
    down = await content.post(f"/articles/{created['id']}/unpublish", headers=EDITOR)
    assert down.status_code == 200 and down.json()["status"] == "unpublished"
    assert (await content.get("/articles/ketamine-basics")).status_code == 404
    again = await content.post(f"/articles/{created['id']}/unpublish", headers=EDITOR)
    assert again.status_code == 409

    topic = content_settings.kafka_topic_prefix + "content.article.v1"
    records = await read_topic(content_settings.kafka_bootstrap_servers, topic, expect=3)
    envelopes = [decode(r.headers, r.key, r.value) for r in records]
    assert [e.type for e in envelopes] == [
        "clinic.content.article-published.v1", "clinic.content.article-updated.v1",
        "clinic.content.article-unpublished.v1",
    ]  # the draft's change sent nothing
    assert {r.key.decode() for r in records} == {created["id"]}
    published = envelopes[0].data
    assert published["related_skus"] == ["KETAMINE-IV-1"] and published["conditions"] == ["depression"]
    assert envelopes[1].data["summary"] == "Better basics."


async def test_editor_endpoints_need_an_editor_and_bad_input_is_a_4xx_with_a_message(
    content: httpx.AsyncClient,
) -> None:
    article = {"title": "T", "summary": "S", "author": "A", "markdown": "M"}
    assert (await content.post("/articles", json=article)).status_code == 401
    reader = auth_headers("reader-1", "customer")
    assert (await content.post("/articles", json=article, headers=reader)).status_code == 403
    for bad in ({**article, "slug": "Not A Slug"}, {**article, "title": ""}, {**article, "reviewed_at": "2026-01-01"},
                {**article, "title": "a\x00b"}, {**article, "related_skus": ["bad sku"]}, {**article, "extra": 1}):
        response = await content.post("/articles", json=bad, headers=EDITOR)
        assert response.status_code == 422, (bad, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"]
    assert (await content.post("/articles/not-a-uuid/publish", headers=EDITOR)).status_code == 422
    missing = "00000000-0000-4000-8000-000000000000"
    assert (await content.post(f"/articles/{missing}/publish", headers=EDITOR)).status_code == 404
    assert (await content.get("/articles/Bad_Slug")).status_code == 422
    assert (await content.get("/articles", params={"q": "a\x00b"})).status_code == 200
