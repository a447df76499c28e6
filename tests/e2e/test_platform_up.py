"""The platform comes up as `make up` runs it, and answers through the gateway."""

from __future__ import annotations

import httpx
import pytest

from .stack import SERVICES, Stack

pytestmark = pytest.mark.e2e


def test_every_service_answers_healthz_and_readyz_through_the_gateway_on_the_embedded_default(
    embedded_stack: Stack,
) -> None:
    with httpx.Client(base_url=embedded_stack.gateway, timeout=10) as client:
        for svc in SERVICES:
            health = client.get(f"/api/{svc}/healthz")
            assert health.status_code == 200, (svc, health.text)
            assert health.json()["service"] == svc
            assert health.headers["x-request-id"]
            ready = client.get(f"/api/{svc}/readyz")
            assert ready.status_code == 200, (svc, ready.text, embedded_stack.logs())
            assert client.get(f"/api/{svc}/asyncapi.json").json()["asyncapi"] == "3.0.0"
            # Metrics are scraped from the service itself; the gateway does not serve them.
            direct = httpx.get(f"http://127.0.0.1:{embedded_stack.env[f'{svc.upper()}_PORT']}/metrics", timeout=10)
            assert "clinic_outbox_backlog" in direct.text
            assert client.get(f"/api/{svc}/metrics").status_code == 404
        storefront = client.get("/")
        assert storefront.status_code == 200 and "content-security-policy" in storefront.headers
        products = client.get("/api/catalog/products").json()
        assert products["total"] >= 6, "the demo data is loaded"
