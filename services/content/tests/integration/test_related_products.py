"""Catalog and pricing events (real Kafka) keep the related treatments of an article, with current prices."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from clinic_shared.events.base import Event
from clinic_shared.events.catalog import ProductArchived, ProductPublished, ProductUpdated, SkuSnapshot
from clinic_shared.events.pricing import PriceChanged
from clinic_shared.testing.harness import emit, producing
from clinic_shared.testing.plugin import eventually
from content.settings import ContentSettings


async def _send(settings: ContentSettings, *events: Event) -> None:
    """Publish events as the catalog and pricing would: CloudEvents on their topics, keyed by aggregate."""
    async with producing(settings) as producer:
        for event in events:
            await emit(settings, event, producer=producer)


def _product(product_id: str, slug: str, name: str, skus: list[str], version: int = 1,
             cls: type[ProductPublished] | type[ProductUpdated] = ProductPublished) -> ProductPublished:
    return cls(product_id=product_id, slug=slug, name=name, category="troche", route="sublingual",
               conditions=["depression"], regions=["CA"], requires_evaluation=True, status="active",
               skus=[SkuSnapshot(sku=s, label=f"{s} label") for s in skus], version=version)


def _related(client: httpx.AsyncClient, slug: str) -> Any:
    async def check() -> list[tuple[str, list[tuple[str, int, str]]]]:
        article = (await client.get(f"/articles/{slug}")).json()
        return [(p["slug"], [(s["sku"], s["unit_price"], s["currency"]) for s in p["skus"]])
                for p in article["related_products"]]
    return check


async def test_published_products_show_with_current_prices_and_archived_ones_drop_out(
    content: httpx.AsyncClient, publish_article: Any, content_settings: ContentSettings,
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    troche_100, troche_200, iv = f"TROCHE-{tag}-100", f"TROCHE-{tag}-200", f"IV-{tag}"
    article = await publish_article(related_skus=[iv, troche_100, troche_200, f"UNKNOWN-{tag}"])
    related = _related(content, article["slug"])
    assert await related() == []
    troches, infusion = str(uuid.uuid4()), str(uuid.uuid4())

    await _send(content_settings,
                _product(troches, "ketamine-troches", "Ketamine troches", [troche_100, troche_200]),
                _product(infusion, "ketamine-iv", "Ketamine IV", [iv]),
                PriceChanged(sku=troche_100, unit_price=19900, currency="USD", version=1),
                PriceChanged(sku=iv, unit_price=45000, currency="USD", version=1))
    want = [("ketamine-iv", [(iv, 45000, "USD")]), ("ketamine-troches", [(troche_100, 19900, "USD")])]
    assert await eventually(lambda: _check(related, want)) == want  # the unpriced SKU waits for its price

    await _send(content_settings,
                PriceChanged(sku=troche_200, unit_price=29900, currency="USD", version=1),
                PriceChanged(sku=troche_100, unit_price=17900, currency="USD", previous_unit_price=19900, version=2),
                PriceChanged(sku=troche_100, unit_price=99999, currency="USD", version=1),  # stale: ignored
                _product(troches, "ketamine-troches", "Ketamine troches (30 days)", [troche_100, troche_200],
                         version=2, cls=ProductUpdated))
    want = [("ketamine-iv", [(iv, 45000, "USD")]),
            ("ketamine-troches", [(troche_100, 17900, "USD"), (troche_200, 29900, "USD")])]
    assert await eventually(lambda: _check(related, want)) == want

    # The rename comes on the catalog topic, the prices on pricing's: two consumers, so the prices
    # above can show before the ProductUpdated is applied. Wait for it too.
    async def renamed() -> Any:
        page = (await content.get(f"/articles/{article['slug']}")).json()
        return page if page["related_products"][1]["name"] == "Ketamine troches (30 days)" else None
    page = await eventually(renamed)
    assert page["related_products"][1]["name"] == "Ketamine troches (30 days)"
    assert page["related_products"][1]["id"] == troches

    await _send(content_settings, ProductArchived(product_id=infusion, slug="ketamine-iv", skus=[iv], version=2),
                _product(infusion, "ketamine-iv", "Ketamine IV", [iv], version=1))  # late and older: ignored
    want = [("ketamine-troches", [(troche_100, 17900, "USD"), (troche_200, 29900, "USD")])]
    assert await eventually(lambda: _check(related, want)) == want


async def _check(related: Any, want: Any) -> Any:
    got = await related()
    return got if got == want else None
