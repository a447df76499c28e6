"""Issue 10: evidence decides the path, the product must be ours, the cap bounds the whole amount off,
a report after a purchase refunds the difference, and no one decides their own report."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from pricing.domain import (
    DutyError,
    Money,
    PriceMatchPolicy,
    PriceMatchRefundApproved,
    PriceMatchReport,
    Purchase,
    SkuVariant,
    decide,
    terms_for,
)

from .helpers import POLICY, MakeContext, MakeReport


def test_a_quote_reference_alone_goes_to_review(make_report: MakeReport, make_context: MakeContext) -> None:
    decision = decide(make_report(proof_url=None, quote_ref="upload-123"), make_context(), POLICY)
    assert (decision.outcome, decision.codes) == ("needs_review", ["quote_only"])
    assert decision.reasons == ["The proof is a quote reference only, so a person will check it before approval."]


def test_proof_on_another_site_goes_to_review_even_when_the_page_is_the_competitors(
    make_report: MakeReport, make_context: MakeContext
) -> None:
    decision = decide(make_report(proof_url="https://imgshare.example/screenshot.png"), make_context(), POLICY)
    assert (decision.outcome, decision.codes) == ("needs_review", ["proof_off_competitor_site"])
    assert "not on Calm Mind Clinic's website (calmmind.example)" in decision.reasons[0]


def test_proof_on_a_subdomain_of_the_competitor_is_its_own_site(
    make_report: MakeReport, make_context: MakeContext
) -> None:
    decision = decide(make_report(proof_url="https://shop.calmmind.example/troches"), make_context(), POLICY)
    assert decision.outcome == "approved"


def test_a_price_below_the_plausibility_band_goes_to_review(make_report: MakeReport, make_context: MakeContext) -> None:
    decision = decide(make_report(competitor_price=Money(14999, "USD")), make_context(), POLICY)
    assert (decision.outcome, decision.codes) == ("needs_review", ["implausibly_low"])


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"competitor_strength": "200 mg"}, "strength_mismatch"),
        ({"competitor_quantity": 15}, "quantity_mismatch"),
    ],
)
def test_another_strength_or_quantity_is_another_treatment_and_is_rejected(
    make_report: MakeReport, make_context: MakeContext, overrides: dict[str, object], code: str
) -> None:
    decision = decide(make_report(**overrides), make_context(), POLICY)
    assert decision.outcome == "rejected"
    assert decision.codes == [code]
    assert "we match the same" in decision.reasons[0]


def test_sessions_are_compared_when_our_sku_counts_sessions(make_report: MakeReport, make_context: MakeContext) -> None:
    variant = SkuVariant(dose="0.5 mg/kg", sessions=6)
    decision = decide(make_report(competitor_strength="0.5 mg/kg", competitor_quantity=1),
                      make_context(variant=variant), POLICY)
    assert decision.codes == ["quantity_mismatch"]
    assert "1 sessions, but" in decision.reasons[0]


def test_a_report_that_does_not_name_the_product_goes_to_review(
    make_report: MakeReport, make_context: MakeContext
) -> None:
    report = make_report(competitor_product=None, competitor_strength=None, competitor_quantity=None)
    decision = decide(report, make_context(), POLICY)
    assert (decision.outcome, decision.codes) == ("needs_review", ["product_not_named"])


def test_a_sku_whose_variant_we_do_not_know_goes_to_review(make_report: MakeReport, make_context: MakeContext) -> None:
    decision = decide(make_report(), make_context(variant=None), POLICY)
    assert decision.codes == ["variant_unknown"]


def test_the_cap_bounds_the_whole_amount_off_and_sends_a_larger_match_to_review(
    make_report: MakeReport, make_context: MakeContext
) -> None:
    """Issue 10 point 7: with a cap of 1,000 the amount off was 16,000 (the cap bounded only the 20% part)."""
    policy = PriceMatchPolicy(per_unit_cap_minor=1000)
    decision = decide(make_report(competitor_price=Money(17500, "USD")), make_context(), policy)
    assert (decision.outcome, decision.codes) == ("needs_review", ["above_per_unit_cap"])
    assert decision.reasons == ["The price match would take USD 160.00 off per unit, more than the USD 10.00 the "
                                "policy approves by itself, so a person will decide."]
    small = decide(make_report(competitor_price=Money(29990, "USD")),
                   make_context(our_price=Money(30000, "USD")), PriceMatchPolicy(per_unit_cap_minor=6008))
    assert small.outcome == "approved" and small.discount is not None
    assert small.discount.amount_off == 30000 - 23992 == 6008  # the whole amount off, at the cap


def test_the_discount_carries_the_region_of_the_report_and_the_unit_limit(
    make_report: MakeReport, make_context: MakeContext
) -> None:
    decision = decide(make_report(region="CA"), make_context(), PriceMatchPolicy(max_units=2))
    assert decision.discount is not None
    assert (decision.discount.region, decision.discount.max_units) == ("CA", 2)


def test_a_report_after_a_purchase_refunds_the_difference_for_at_most_max_units(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    purchase = Purchase("order-1", quantity=3, paid_unit_price=30000, currency="USD", paid_at=now - timedelta(days=2))
    ctx = make_context(our_price=Money(30000, "USD"), purchase=purchase)
    decision = decide(make_report(), ctx, PriceMatchPolicy(max_units=2))
    assert (decision.outcome, decision.codes) == ("approved", ["approved_refund"])
    assert decision.refund is not None
    assert (decision.refund.per_unit, decision.refund.units, decision.refund.amount) == (10800, 2, 21600)
    report = PriceMatchReport.receive(make_report())
    assert report.apply_decision(decision) is None  # no discount: the difference is refunded instead
    assert (report.status, report.refund_order_id, report.refund_amount) == ("approved", "order-1", 21600)
    refund = report.events[-1]
    assert isinstance(refund, PriceMatchRefundApproved)
    assert (refund.order_id, refund.amount, refund.currency) == ("order-1", 21600, "USD")
    assert report.record_refund("order-1", now) and not report.record_refund("order-1", now)


def test_no_one_decides_a_report_about_their_own_account(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    submission = make_report(proof_url=None, quote_ref="upload-1")
    report = PriceMatchReport.receive(submission)
    report.apply_decision(decide(submission, make_context(), POLICY))
    assert report.status == "needs_review"
    terms = terms_for(Money(30000, "USD"), Money(24000, "USD"), POLICY, now, sku=submission.sku, region="TX")
    with pytest.raises(DutyError, match="your own account"):
        report.approve(submission.customer_id, "looks fine to me", terms, now=now)
    with pytest.raises(DutyError):
        report.reject(submission.customer_id, "changed my mind", now=now)
    assert report.status == "needs_review"
    report.approve("ops-ana", "quote checked by phone", terms, now=now)
    assert (report.status, report.decided_by) == ("approved", "ops-ana")
    assert report.audit[-2].actor == "ops-ana"
