"""``decide`` approves a fair report, and the terms it grants keep the promise."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricing.domain import (
    Money,
    PriceMatchPolicy,
    decide,
)

from .helpers import POLICY, MakeCompetitor, MakeContext, MakeReport


def test_report_from_a_licensed_clinic_with_a_lower_price_is_approved_with_why(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    decision = decide(make_report(), make_context(), POLICY)
    assert decision.outcome == "approved"
    assert decision.codes == ["approved"]
    assert decision.reasons == [
        "Calm Mind Clinic is a licensed clinic in TX and its price (USD 240.00) is lower than ours "
        "(USD 300.00): with the price match, KET-TROCHE-100MG-30 costs USD 192.00 per unit (at most 1 per order, "
        "in TX)."
    ]
    assert decision.decided_at == now


def test_approval_grants_20_percent_off_the_competitor_price(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    discount = decide(make_report(), make_context(), POLICY).discount
    assert discount is not None
    assert (discount.final_unit_price, discount.amount_off, discount.currency) == (19200, 10800, "USD")
    assert discount.sku == "KET-TROCHE-100MG-30"
    assert discount.expires_at == now + timedelta(days=30)


def test_price_one_cent_lower_than_ours_is_approved(make_report: MakeReport, make_context: MakeContext) -> None:
    decision = decide(make_report(competitor_price=Money(29999, "USD")), make_context(), POLICY)
    assert decision.outcome == "approved"


def test_policy_percentage_and_ttl_shape_the_granted_terms(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    policy = PriceMatchPolicy(discount_percent=Decimal("10"), discount_ttl=timedelta(days=14))
    discount = decide(make_report(), make_context(), policy).discount
    assert discount is not None
    assert discount.final_unit_price == 21600
    assert discount.expires_at == now + timedelta(days=14)


def test_decide_refuses_a_context_about_another_competitor(
    make_report: MakeReport, make_context: MakeContext, make_competitor: MakeCompetitor
) -> None:
    with pytest.raises(ValueError, match="not the one the report names"):
        decide(make_report(), make_context(competitor=make_competitor()), POLICY)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ours=st.integers(min_value=2, max_value=10_000_000), theirs=st.integers(min_value=2, max_value=10_000_000))
def test_decide_approves_only_lower_prices_and_the_terms_keep_the_promise(
    make_report: MakeReport, make_context: MakeContext, ours: int, theirs: int
) -> None:
    report = make_report(competitor_price=Money(theirs, "USD"))
    decision = decide(report, make_context(our_price=Money(ours, "USD")), POLICY)
    if theirs >= ours:
        assert decision.outcome == "rejected"
    elif 2 * theirs < ours:
        assert decision.outcome == "needs_review"
    else:
        assert decision.outcome == "approved"
        assert decision.discount is not None
        assert 100 * decision.discount.final_unit_price <= 80 * theirs  # exactly, the amount off rounded up
        assert decision.discount.amount_off + decision.discount.final_unit_price == ours
