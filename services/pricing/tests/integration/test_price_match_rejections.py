"""Reports the policy cannot honour are rejected at once, with their reason in the answer and in a
PriceMatchRejected event, and no discount."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .world import PRICE_MATCH, World, customer

LONG_AGO = (datetime.now(UTC) - timedelta(days=9)).isoformat()

CASES: dict[str, tuple[dict[str, Any], str, str]] = {
    # case: (report fields, expected code, words of the expected sentence)
    "marketplace": ({"competitor_name": "MedBazaar", "domain": "medbazaar.example"},
                    "competitor_marketplace", "MedBazaar is a marketplace, not a licensed clinic."),
    "coupon_site": ({"competitor_name": "CouponCalm", "domain": "couponcalm.example"},
                    "competitor_coupon_site", "CouponCalm is a coupon site, not a licensed clinic."),
    "unlisted_competitor": ({"competitor_name": "Nobody Knows", "domain": "nobody-knows.example"},
                            "competitor_unknown", "The competitor is not on our list of eligible providers."),
    "not_licensed_in_region": ({"region": "OH"}, "competitor_not_licensed_in_region",
                               "MindBridge Clinic is not licensed in OH, the region in the report."),
    "higher_price": ({"competitor_price": 20900}, "price_not_lower",
                     "The competitor's price (USD 209.00) is not lower than ours (USD 199.00)."),
    "equal_price": ({"competitor_price": 19900}, "price_not_lower", "is not lower than ours"),
    "other_currency": ({"currency": "EUR"}, "currency_mismatch", "we only match prices in the same currency"),
    "stale": ({"observed_at": LONG_AGO}, "report_stale", "The price was seen more than 7 days before it was reported"),
    "membership_price": ({"price_kind": "membership"}, "price_kind_excluded",
                         "Membership prices are excluded from the price-match guarantee."),
    "bundle_price": ({"price_kind": "bundle"}, "price_kind_excluded",
                     "Bundle prices are excluded from the price-match guarantee."),
}


async def _listed_world(world: World) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()
    await world.competitor(name="MedBazaar", domain="medbazaar.example", kind="marketplace", licensed_regions=["TX"])
    await world.competitor(name="CouponCalm", domain="couponcalm.example", kind="coupon_site", licensed_regions=[])


@pytest.mark.parametrize("case", list(CASES))
async def test_report_is_rejected_with_its_reason_in_the_answer_and_the_event(world: World, case: str) -> None:
    fields, code, sentence = CASES[case]
    await _listed_world(world)
    sub, me = customer()

    report = await world.report(me, **fields)

    assert report["status"] == "rejected"
    assert code in report["codes"]
    assert any(sentence in reason for reason in report["reasons"]), report["reasons"]
    assert report["discount_id"] is None
    events = await world.events(PRICE_MATCH, expect=2)
    assert [t for t, _, _ in events] == ["price-match-requested", "price-match-rejected"]
    rejected = events[1][1]
    assert (rejected["report_id"], rejected["customer_id"], rejected["decided_by"]) == (report["id"], sub, "policy")
    assert rejected["reasons"] == report["reasons"]
    assert (await world.client.get("/discounts", headers=me)).json()["total"] == 0


async def test_a_second_match_for_the_same_sku_within_the_window_is_rejected(world: World) -> None:
    await _listed_world(world)
    await world.sku_for_sale("THERAPY-50", 15000)
    _, me = customer()

    first = await world.report(me, competitor_price=15000)
    second = await world.report(me, competitor_price=14000)
    other_sku = await world.report(me, sku="THERAPY-50", competitor_price=12000)

    assert (first["status"], second["status"], other_sku["status"]) == ("approved", "rejected", "approved")
    assert second["codes"] == ["already_matched"]
    assert "A price match for TROCHE-30D-100 was already granted on this account within the last 30 days." in (
        second["reasons"])
    events = await world.events(PRICE_MATCH, expect=8)
    assert [t for t, _, _ in events] == [
        "price-match-requested", "price-match-approved", "discount-granted",
        "price-match-requested", "price-match-rejected",
        "price-match-requested", "price-match-approved", "discount-granted",
    ]
    assert (await world.client.get("/discounts", headers=me)).json()["total"] == 2


async def test_reports_over_the_daily_limit_are_rejected_whatever_they_say(world: World) -> None:
    await _listed_world(world)
    _, me = customer()
    for _ in range(5):  # the default limit: five reports in 24 hours
        assert (await world.report(me, competitor_price=25000))["codes"] == ["price_not_lower"]

    sixth = await world.report(me)

    assert sixth["status"] == "rejected"
    assert sixth["codes"] == ["rate_limited"]
    assert sixth["reasons"] == ["Too many reports from this account: the limit is 5 in 24 hours."]
    _, someone_else = customer()
    assert (await world.report(someone_else))["status"] == "approved"
