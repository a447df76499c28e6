"""The embedded default (SQLite, as `make up` runs it): same migrations, and search without PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from clinic_shared.db import upgrade_async
from clinic_shared.events.catalog import ProductPublished, SkuSnapshot
from clinic_shared.events.pricing import PriceChanged
from clinic_shared.testing.harness import emit
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import auth_headers, eventually, running, service_test_settings
from content.bootstrap import create_app
from content.demo.load import seed_article
from content.settings import ContentSettings

EDITOR = auth_headers("editor-1", "editor")
SERVICE_DIR = Path(__file__).resolve().parents[2]


async def test_on_sqlite_the_seed_article_is_found_by_words_and_condition_and_shows_priced_products(
    infra: Infra, topic_prefix: str, tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'content.db'}"
    await upgrade_async(SERVICE_DIR, url)
    settings = ContentSettings(**service_test_settings(infra, url, topic_prefix))
    async with running(create_app(settings)) as client:
        created = await client.post("/articles", json=seed_article(), headers=EDITOR)
        assert created.status_code == 201, created.text
        assert (await client.post(f"/articles/{created.json()['id']}/publish", headers=EDITOR)).status_code == 200
        slug = created.json()["slug"]

        async def found(**params: str) -> list[str]:
            return [a["slug"] for a in (await client.get("/articles", params=params)).json()["items"]]

        assert await found(q="troches") == [slug]
        assert await found(q="TROCHES nmda") == [slug]
        assert await found(q="troches zebra") == []
        assert await found(q="100%_") == []  # LIKE wildcards are searched for literally
        assert await found(condition="depression") == [slug]
        page = (await client.get(f"/articles/{slug}")).json()
        assert page["reviewed_at"].startswith("2026-11-01") and len(page["sections"]) == 6
        await emit(settings, ProductPublished(
            product_id="p-1", slug="ketamine-iv-infusion", name="Ketamine IV", category="infusion", route="IV",
            conditions=["depression"], regions=["CA"], requires_evaluation=True, status="active", version=1,
            skus=[SkuSnapshot(sku="KETAMINE-IV-1", label="One infusion")],
        ))
        await emit(settings, PriceChanged(sku="KETAMINE-IV-1", unit_price=45000, currency="USD", version=1))

        async def related() -> list[dict[str, object]]:
            return list((await client.get(f"/articles/{slug}")).json()["related_products"])

        shown = await eventually(related)
        assert shown[0]["skus"] == [{"sku": "KETAMINE-IV-1", "label": "One infusion", "unit_price": 45000,
                                     "currency": "USD"}]
        posted = await client.post(f"/articles/{slug}/comments",
                                   json={"author_name": "Sam", "email": "sam@example.com", "body": "Thanks"})
        assert posted.status_code == 202 and posted.json()["status"] == "pending"
