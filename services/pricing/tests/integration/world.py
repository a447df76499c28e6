"""What price-match tests set up through the service's own doors: HTTP, and catalog events on Kafka."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from clinic_shared.events.base import Event
from clinic_shared.events.catalog import ProductArchived, ProductPublished, SkuSnapshot
from clinic_shared.events.envelope import decode
from clinic_shared.testing.harness import emit
from clinic_shared.testing.plugin import auth_headers, eventually, read_topic
from pricing.settings import PricingSettings

OPS = auth_headers("ops-ana", "ops")
PRICE_MATCH = "pricing.price-match.v1"
PRICES = "pricing.price.v1"


def customer() -> tuple[str, dict[str, str]]:
    """A fresh customer id and its bearer header."""
    sub = f"customer-{uuid.uuid4().hex[:10]}"
    return sub, auth_headers(sub, "customer")


class World:
    """What price-match tests set up through the service's own doors: HTTP, and catalog events on Kafka."""

    def __init__(self, client: httpx.AsyncClient, settings: PricingSettings) -> None:
        self.client = client
        self.settings = settings
        self.seen_at = (datetime.now(UTC) - timedelta(days=1)).isoformat()  # one value: resubmissions match

    async def produce(self, event: Event, *, event_id: str | None = None, times: int = 1) -> str:
        """Send `event` as a CloudEvent (the same id `times` times, as a redelivery would)."""
        return await emit(self.settings, event, event_id=event_id, times=times)

    async def for_sale(self, sku: str) -> bool:
        response = await self.client.get(f"/prices/{sku}")
        return response.status_code == 200 and bool(response.json()["for_sale"])

    async def sku_for_sale(self, sku: str, unit_price: int, currency: str = "USD") -> str:
        """Priced by ops and published by the catalog; returns the product id."""
        product_id = str(uuid.uuid4())
        response = await self.client.put(f"/prices/{sku}", json={"unit_price": unit_price, "currency": currency},
                                         headers=OPS)
        assert response.status_code == 200, response.text
        await self.produce(ProductPublished(
            product_id=product_id, slug=f"p-{product_id[:8]}", name=f"Product {sku}", category="troche",
            route="sublingual", conditions=["depression"], regions=["TX"], requires_evaluation=False,
            status="active", skus=[SkuSnapshot(sku=sku, label=sku, dose="100 mg", supply_days=30)], version=1,
        ))
        await eventually(lambda: self.for_sale(sku))
        return product_id

    async def archive(self, product_id: str, sku: str) -> None:
        await self.produce(ProductArchived(product_id=product_id, slug=f"p-{product_id[:8]}", skus=[sku], version=2))

    async def competitor(self, **overrides: Any) -> dict[str, Any]:
        body = {"name": "MindBridge Clinic", "domain": "mindbridge-clinic.example", "kind": "licensed_clinic",
                "licensed_regions": ["CA", "NY", "TX"]} | overrides
        response = await self.client.post("/competitors", json=body, headers=OPS)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def report_body(self, **overrides: Any) -> dict[str, Any]:
        """A report that passes every check against the clinic from `competitor()`."""
        domain = overrides.pop("domain", "mindbridge-clinic.example")
        body = {
            "sku": "TROCHE-30D-100", "competitor_name": "MindBridge Clinic",
            "competitor_url": f"https://{domain}/ketamine-troches", "competitor_price": 15000, "currency": "USD",
            "region": "TX", "observed_at": self.seen_at,
            "price_kind": "regular", "proof_url": f"https://{domain}/ketamine-troches",
            "competitor_product": "Ketamine sublingual troches", "competitor_strength": "100 mg",
            "competitor_quantity": 30,
        }
        return body | overrides

    async def report(self, headers: dict[str, str], *, key: str | None = None, **overrides: Any) -> dict[str, Any]:
        extra = {"Idempotency-Key": key} if key else {}
        response = await self.client.post("/price-match/reports", json=self.report_body(**overrides),
                                          headers=headers | extra)
        assert response.status_code == 202, response.text
        return dict(response.json())

    async def events(self, topic: str, expect: int) -> list[tuple[str, dict[str, Any], str | None]]:
        """(type, data, key) of every event on one of our topics, in order."""
        records = await read_topic(self.settings.kafka_bootstrap_servers, self.settings.kafka_topic_prefix + topic,
                                   expect=expect)
        out = []
        for r in records:
            envelope = decode(r.headers, r.key, r.value)
            out.append((envelope.type.split(".")[2], envelope.data, envelope.key))
        return out
