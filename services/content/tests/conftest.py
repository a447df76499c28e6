from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from clinic_shared.testing.harness import service_client
from clinic_shared.testing.plugin import auth_headers
from content.bootstrap import create_app
from content.settings import ContentSettings

SERVICE_DIR = Path(__file__).resolve().parents[1]
EDITOR = auth_headers("editor-1", "editor")
MODERATOR = auth_headers("moderator-1", "moderator")
PublishArticle = Callable[..., Awaitable[dict[str, Any]]]


content_settings, content = service_client(
    "content", ContentSettings, create_app, SERVICE_DIR,
    extra=lambda _infra: {"comment_email_pepper": "test-pepper-" + uuid.uuid4().hex})


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
