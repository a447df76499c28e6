"""schemathesis against content's own OpenAPI: no server error, no undocumented status code.

Random slugs only ever meet a 404, so a third run aims every `{slug}` operation at a published
article: comments are then really submitted, moderated and listed with fuzzed bodies.
"""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from clinic_shared.testing.fuzz import fuzz_api
from clinic_shared.testing.plugin import auth_headers
from clinic_shared.testing.serving import serve_in_thread
from content.bootstrap import create_app
from content.settings import ContentSettings

STAFF = auth_headers("fuzzer", "editor", "moderator")


def test_fuzzing_every_operation_as_a_reader_finds_no_server_error_and_no_undocumented_status(
    content_settings: ContentSettings,
) -> None:
    with serve_in_thread(create_app(content_settings)) as base_url:
        failures = fuzz_api(base_url, max_examples=25)
    assert failures == []


def test_fuzzing_every_operation_as_editor_and_moderator_finds_no_server_error_and_no_undocumented_status(
    content_settings: ContentSettings,
) -> None:
    with serve_in_thread(create_app(content_settings)) as base_url:
        failures = fuzz_api(base_url, headers=STAFF, max_examples=25)
    assert failures == []


def test_fuzzing_the_operations_of_a_published_article_finds_no_server_error(content_settings: ContentSettings) -> None:
    with serve_in_thread(create_app(content_settings)) as base_url:
        slug = _publish(base_url)
        schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
        operations = [op for op in (r.ok() for r in schema.get_all_operations()) if "{slug}" in op.path]
        assert len(operations) == 3
        failures = [f for op in operations if (f := _fuzz(op, base_url, slug))]
        with httpx.Client(base_url=base_url) as client:
            queue = client.get("/moderation/comments", headers=STAFF, params={"status": "pending"}).json()
    assert failures == []
    assert queue["total"] > 0  # fuzzed comments really went through moderation


def _publish(base_url: str) -> str:
    with httpx.Client(base_url=base_url, headers=STAFF) as client:
        created = client.post("/articles", json={
            "slug": "fuzz-target", "title": "Fuzz target", "summary": "S.", "author": "A", "markdown": "## A\n\nB\n",
            "medical_reviewer": "R", "reviewed_at": "2026-01-01T00:00:00Z"})
        assert client.post(f"/articles/{created.json()['id']}/publish").status_code == 200
    return "fuzz-target"


def _fuzz(operation: Any, base_url: str, slug: str) -> str | None:
    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        case.path_parameters["slug"] = slug
        case.call_and_validate(base_url=base_url, checks=[not_a_server_error, status_code_conformance])

    try:
        check()
    except Exception as exc:
        return f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}"
    return None
