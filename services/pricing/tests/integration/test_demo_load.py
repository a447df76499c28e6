"""The demo loader sets the demo prices and the competitor list over HTTP, and running it twice changes nothing."""

from __future__ import annotations

import httpx

from clinic_shared.testing.plugin import TEST_SECRET, auth_headers
from clinic_shared.testing.serving import serve_in_thread
from pricing.bootstrap import create_app
from pricing.demo.load import demo_data, load
from pricing.settings import PricingSettings


def test_the_demo_loader_is_idempotent_and_lists_two_eligible_clinics(pricing_settings: PricingSettings) -> None:
    with serve_in_thread(create_app(pricing_settings)) as base_url:
        first = load(base_url, TEST_SECRET)
        second = load(base_url, TEST_SECRET)
        ops = auth_headers("ops-ana", "ops")
        with httpx.Client(base_url=base_url, headers=ops) as client:
            competitors = client.get("/competitors").json()["items"]
            prices = {p["sku"]: client.get(f"/prices/{p['sku']}").json() for p in demo_data()["prices"]}

    assert first == (8, 4)
    assert second == (8, 0)
    assert sorted((c["kind"], c["eligible"]) for c in competitors) == [
        ("coupon_site", False), ("licensed_clinic", True), ("licensed_clinic", True), ("marketplace", False)]
    assert prices["TROCHE-30D-100"]["unit_price"] == 19900
    assert {p["version"] for p in prices.values()} == {1}  # the second run set the same prices: no new version
