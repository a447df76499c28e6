"""``decide`` rejects reports about ineligible competitors or prices it cannot match, with a sentence each."""

from __future__ import annotations

import pytest

from pricing.domain import (
    Money,
    decide,
)

from .helpers import POLICY, MakeCompetitor, MakeContext, MakeReport, assert_rejected_for


def test_unknown_competitor_is_rejected(make_report: MakeReport, make_context: MakeContext) -> None:
    decision = decide(make_report(), make_context(competitor=None), POLICY)
    assert decision.outcome == "rejected"
    assert decision.discount is None
    assert_rejected_for(
        decision.reasons, decision.codes,
        "competitor_unknown", "The competitor is not on our list of eligible providers.",
    )  # fmt: skip


def test_inactive_competitor_is_rejected(
    make_report: MakeReport, make_context: MakeContext, make_competitor: MakeCompetitor
) -> None:
    gone = make_competitor(active=False)
    decision = decide(make_report(competitor_id=gone.id), make_context(competitor=gone), POLICY)
    assert decision.outcome == "rejected"
    assert_rejected_for(
        decision.reasons, decision.codes,
        "competitor_inactive", "Calm Mind Clinic is no longer on our list of eligible providers.",
    )  # fmt: skip


def test_marketplace_is_rejected_as_not_a_licensed_clinic(
    make_report: MakeReport, make_context: MakeContext, make_competitor: MakeCompetitor
) -> None:
    market = make_competitor(name="MegaMart Health", domain="megamart.example", kind="marketplace")
    report = make_report(competitor_id=market.id, competitor_url="https://megamart.example/ketamine")
    decision = decide(report, make_context(competitor=market), POLICY)
    assert decision.outcome == "rejected"
    assert_rejected_for(
        decision.reasons, decision.codes,
        "competitor_marketplace", "MegaMart Health is a marketplace, not a licensed clinic.",
    )  # fmt: skip


def test_coupon_site_is_rejected_as_not_a_licensed_clinic(
    make_report: MakeReport, make_context: MakeContext, make_competitor: MakeCompetitor
) -> None:
    coupons = make_competitor(name="RxCoupons", domain="rxcoupons.example", kind="coupon_site")
    report = make_report(competitor_id=coupons.id, competitor_url="https://rxcoupons.example/ketamine")
    decision = decide(report, make_context(competitor=coupons), POLICY)
    assert decision.outcome == "rejected"
    assert_rejected_for(
        decision.reasons, decision.codes,
        "competitor_coupon_site", "RxCoupons is a coupon site, not a licensed clinic.",
    )  # fmt: skip


def test_competitor_not_licensed_in_the_reported_region_is_rejected(
    make_report: MakeReport, make_context: MakeContext
) -> None:
    decision = decide(make_report(region="FL"), make_context(), POLICY)
    assert decision.outcome == "rejected"
    assert_rejected_for(
        decision.reasons, decision.codes,
        "competitor_not_licensed_in_region", "Calm Mind Clinic is not licensed in FL, the region in the report.",
    )  # fmt: skip


def test_sku_without_a_current_price_is_rejected(make_report: MakeReport, make_context: MakeContext) -> None:
    decision = decide(make_report(), make_context(our_price=None), POLICY)
    assert decision.outcome == "rejected"
    assert_rejected_for(
        decision.reasons, decision.codes,
        "sku_not_for_sale", "KET-TROCHE-100MG-30 is not currently for sale, so there is no price to match.",
    )  # fmt: skip


def test_price_in_another_currency_is_rejected(make_report: MakeReport, make_context: MakeContext) -> None:
    decision = decide(make_report(competitor_price=Money(20000, "CAD")), make_context(), POLICY)
    assert decision.outcome == "rejected"
    assert_rejected_for(
        decision.reasons, decision.codes,
        "currency_mismatch",
        "The competitor's price is in CAD but ours is in USD; we only match prices in the same currency.",
    )  # fmt: skip


@pytest.mark.parametrize(("theirs", "shown"), [(30000, "USD 300.00"), (30001, "USD 300.01")])
def test_competitor_price_not_lower_than_ours_is_rejected(
    make_report: MakeReport, make_context: MakeContext, theirs: int, shown: str
) -> None:
    decision = decide(make_report(competitor_price=Money(theirs, "USD")), make_context(), POLICY)
    assert decision.outcome == "rejected"
    assert_rejected_for(
        decision.reasons, decision.codes,
        "price_not_lower", f"The competitor's price ({shown}) is not lower than ours (USD 300.00).",
    )  # fmt: skip
