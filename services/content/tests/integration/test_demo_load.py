"""The demo loader imports the seed page and publishes it through the HTTP API, once, however often it runs."""

from __future__ import annotations

import httpx

from clinic_shared.testing.plugin import TEST_SECRET
from clinic_shared.testing.serving import serve_in_thread
from content.bootstrap import create_app
from content.demo.load import RELATED_SKUS, load
from content.settings import ContentSettings


def test_demo_load_publishes_the_seed_article_once_and_is_idempotent(content_settings: ContentSettings) -> None:
    with serve_in_thread(create_app(content_settings)) as base_url, httpx.Client(base_url=base_url) as client:
        first = load(client, TEST_SECRET)
        second = load(client, TEST_SECRET)
        listed = client.get("/articles", params={"q": "troches"}).json()
        assert first.startswith("seed article published") and second.startswith("seed article already there")
        assert listed["total"] == 1
        page = client.get(f"/articles/{listed['items'][0]['slug']}").json()
        assert page["status"] == "published" and page["author"] == "Clinic editorial team"
        assert len(page["sections"]) == 6
    assert RELATED_SKUS == ["KETAMINE-IV-1", "KETAMINE-IM-1", "TROCHE-30D-100", "TROCHE-30D-200", "EVAL-INITIAL"]
