from __future__ import annotations

import importlib.util
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from clinic_shared.db import upgrade_async
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import auth_headers, running, service_test_settings
from content.bootstrap import create_app
from content.settings import ContentSettings

SERVICE_DIR = Path(__file__).resolve().parents[1]
EDITOR = auth_headers("editor-1", "editor")
MODERATOR = auth_headers("moderator-1", "moderator")
PublishArticle = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
async def content_settings(infra: Infra, pg_url: str, topic_prefix: str) -> ContentSettings:
    await upgrade_async(SERVICE_DIR, pg_url)  # the real migrations, on a fresh PostgreSQL database
    return ContentSettings(**service_test_settings(infra, pg_url, topic_prefix),
                           comment_email_pepper="test-pepper-" + uuid.uuid4().hex)


@pytest.fixture
async def content(content_settings: ContentSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(content_settings)) as client:
        yield client


@pytest.fixture
def publish_article(content: httpx.AsyncClient) -> PublishArticle:
    """Create and publish an article (a reviewed one, with a unique slug unless given); returns its JSON."""

    async def _publish(**fields: Any) -> dict[str, Any]:
        article = {
            "slug": f"article-{uuid.uuid4().hex[:12]}", "title": "Ketamine troches at home",
            "summary": "What to expect from sublingual troches.", "author": "Clinic editorial team",
            "markdown": "Intro text.\n\n## Dosing\n\nStart low.\n\n## Safety\n\nSit down.\n",
            "medical_reviewer": "Dr. Review", "reviewed_at": "2026-01-01T00:00:00Z",
            "conditions": ["depression"], "related_skus": [],
        } | fields
        created = await content.post("/articles", json=article, headers=EDITOR)
        assert created.status_code == 201, created.text
        published = await content.post(f"/articles/{created.json()['id']}/publish", headers=EDITOR)
        assert published.status_code == 200, published.text
        return dict(published.json())

    return _publish


@pytest.fixture(scope="session")
def unit_xss() -> ModuleType:
    """The domain tests' XSS corpus and safety check (tests/unit/test_xss.py), reused as they are."""
    path = SERVICE_DIR / "tests" / "unit" / "test_xss.py"
    spec = importlib.util.spec_from_file_location("content_unit_xss_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
