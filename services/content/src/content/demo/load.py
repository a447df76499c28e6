"""Load the seed article through the HTTP API (as an editor would): import, create, publish; idempotently.

    uv run python -m content.demo.load --base-url http://127.0.0.1:8080/api/content
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from typing import Any

import httpx

from clinic_shared.auth import issue_token
from content.demo import seed_page_text
from content.domain.importer import import_seed_page

AUTHOR = "Clinic editorial team"
MEDICAL_REVIEWER = "Medical review team"
REVIEWED_AT = datetime(2026, 11, 1, tzinfo=UTC)
# The catalog's demo SKUs the seed article talks about (IV, IM, troches, and the evaluation they need).
RELATED_SKUS = ["KETAMINE-IV-1", "KETAMINE-IM-1", "TROCHE-30D-100", "TROCHE-30D-200", "EVAL-INITIAL"]


def seed_article() -> dict[str, Any]:
    imported = import_seed_page(seed_page_text())
    return {
        "slug": imported.slug, "title": imported.title, "summary": imported.summary,
        "markdown": imported.markdown, "conditions": imported.conditions, "tags": imported.tags,
        "author": AUTHOR, "medical_reviewer": MEDICAL_REVIEWER, "reviewed_at": REVIEWED_AT.isoformat(),
        "related_skus": RELATED_SKUS,
    }


def load(client: httpx.Client, secret: str) -> str:
    """Create and publish the seed article unless it is there; returns what happened, in words."""
    headers = {"Authorization": f"Bearer {issue_token(secret, 'demo-editor', ['editor'])}"}
    article = seed_article()
    created = client.post("/articles", json=article, headers=headers)
    if created.status_code == 201:
        article_id = created.json()["id"]
    elif created.status_code == 409 and created.json().get("article_id"):  # there from an earlier run
        if created.json().get("article_status") != "draft":  # published, or taken down by an editor: leave it
            return f"seed article already there: {article['slug']}"
        article_id = created.json()["article_id"]
    else:
        raise SystemExit(f"creating the seed article failed: {created.status_code} {created.text}")
    published = client.post(f"/articles/{article_id}/publish", headers=headers)
    if published.status_code == 200:
        return f"seed article published: {article['slug']}"
    raise SystemExit(f"publishing the seed article failed: {published.status_code} {published.text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8080/api/content")
    args = parser.parse_args()
    with httpx.Client(base_url=args.base_url, timeout=30) as client:
        outcome = load(client, os.environ.get("AUTH_JWT_SECRET", "development-only-secret-change-me-in-production"))
    print(f"content: {outcome}", file=sys.stderr)


if __name__ == "__main__":
    main()
