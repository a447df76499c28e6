"""``decide`` sends doubtful reports to human review instead of approving them."""

from __future__ import annotations

from decimal import Decimal

from pricing.domain import (
    Money,
    PriceMatchPolicy,
    decide,
)

from .helpers import POLICY, MakeContext, MakeReport


def test_implausibly_low_price_goes_to_human_review(make_report: MakeReport, make_context: MakeContext) -> None:
    decision = decide(make_report(competitor_price=Money(14999, "USD")), make_context(), POLICY)
    assert decision.outcome == "needs_review"
    assert decision.discount is None
    assert decision.codes == ["implausibly_low"]
    assert decision.reasons == [
        "The competitor's price (USD 149.99) is less than 50% of ours (USD 300.00), "
        "so a person will check it before approval."
    ]


def test_price_exactly_at_the_floor_ratio_is_approved(make_report: MakeReport, make_context: MakeContext) -> None:
    decision = decide(make_report(competitor_price=Money(15000, "USD")), make_context(), POLICY)
    assert decision.outcome == "approved"


def test_floor_ratio_is_a_policy_setting(make_report: MakeReport, make_context: MakeContext) -> None:
    policy = PriceMatchPolicy(implausible_floor_ratio=Decimal("0.9"))
    decision = decide(make_report(competitor_price=Money(24000, "USD")), make_context(), policy)
    assert decision.outcome == "needs_review"
    assert "less than 90% of ours" in decision.reasons[0]


def test_implausibly_low_report_that_fails_a_rule_is_rejected_not_escalated(
    make_report: MakeReport, make_context: MakeContext
) -> None:
    report = make_report(competitor_price=Money(100, "USD"), region="FL")
    decision = decide(report, make_context(), POLICY)
    assert decision.outcome == "rejected"
    assert decision.codes == ["competitor_not_licensed_in_region"]


def test_page_off_the_competitor_website_goes_to_human_review(
    make_report: MakeReport, make_context: MakeContext
) -> None:
    report = make_report(competitor_url="https://cheap-ketamine.example/calm-mind")
    decision = decide(report, make_context(), POLICY)
    assert decision.outcome == "needs_review"
    assert decision.reasons == [
        "The reported page is not on Calm Mind Clinic's website (calmmind.example), "
        "so a person will check it before approval."
    ]


def test_page_on_a_competitor_subdomain_is_accepted(make_report: MakeReport, make_context: MakeContext) -> None:
    report = make_report(competitor_url="https://shop.calmmind.example/troches")
    assert decide(report, make_context(), POLICY).outcome == "approved"
