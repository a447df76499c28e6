"""``decide`` rejects stale, excluded and over-limit reports, and lists every failed check."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from pricing.domain import (
    Money,
    PriceMatchPolicy,
    decide,
)

from .helpers import POLICY, MakeCompetitor, MakeContext, MakeReport, assert_rejected_for


def test_report_seen_longer_ago_than_the_recency_window_is_rejected(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    stale = make_report(observed_at=now - timedelta(days=7, seconds=1))
    decision = decide(stale, make_context(), POLICY)
    assert decision.outcome == "rejected"
    assert_rejected_for(
        decision.reasons, decision.codes,
        "report_stale", "The price was seen more than 7 days before it was reported; reports must be recent.",
    )  # fmt: skip


def test_report_seen_exactly_at_the_recency_limit_is_accepted(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    decision = decide(make_report(observed_at=now - timedelta(days=7)), make_context(), POLICY)
    assert decision.outcome == "approved"


def test_recency_is_measured_at_submission_not_at_decision_time(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    report = make_report(observed_at=now - timedelta(days=6))
    decision = decide(report, make_context(now=now + timedelta(days=3)), POLICY)
    assert decision.outcome == "approved"


def test_observation_in_the_future_is_rejected(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    decision = decide(make_report(observed_at=now + timedelta(hours=1)), make_context(), POLICY)
    assert decision.outcome == "rejected"
    assert_rejected_for(
        decision.reasons, decision.codes, "observed_in_future", "The time the price was seen is in the future."
    )


def test_observation_a_little_ahead_of_our_clock_is_tolerated(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    decision = decide(make_report(observed_at=now + timedelta(minutes=4)), make_context(), POLICY)
    assert decision.outcome == "approved"


@pytest.mark.parametrize(
    ("kind", "sentence"),
    [
        ("membership", "Membership prices are excluded from the price-match guarantee."),
        ("introductory", "Introductory prices are excluded from the price-match guarantee."),
        ("bundle", "Bundle prices are excluded from the price-match guarantee."),
    ],
)
def test_excluded_price_kinds_are_rejected(
    make_report: MakeReport, make_context: MakeContext, kind: str, sentence: str
) -> None:
    decision = decide(make_report(price_kind=kind), make_context(), POLICY)
    assert decision.outcome == "rejected"
    assert_rejected_for(decision.reasons, decision.codes, "price_kind_excluded", sentence)


def test_price_kind_allowed_by_policy_is_not_excluded(make_report: MakeReport, make_context: MakeContext) -> None:
    policy = PriceMatchPolicy(excluded_price_kinds=frozenset({"membership"}))
    assert decide(make_report(price_kind="bundle"), make_context(), policy).outcome == "approved"


def test_second_match_for_the_same_sku_within_the_window_is_rejected(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    context = make_context(granted_matches=(now - timedelta(days=29),))
    decision = decide(make_report(), context, POLICY)
    assert decision.outcome == "rejected"
    assert_rejected_for(
        decision.reasons, decision.codes,
        "already_matched",
        "A price match for KET-TROCHE-100MG-30 was already granted on this account within the last 30 days.",
    )  # fmt: skip


def test_match_granted_before_the_window_does_not_block_a_new_one(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    context = make_context(granted_matches=(now - timedelta(days=30), now - timedelta(days=90)))
    assert decide(make_report(), context, POLICY).outcome == "approved"


def test_report_over_the_daily_rate_limit_is_rejected(make_report: MakeReport, make_context: MakeContext) -> None:
    decision = decide(make_report(), make_context(prior_reports_in_last_day=5), POLICY)
    assert decision.outcome == "rejected"
    assert_rejected_for(
        decision.reasons, decision.codes,
        "rate_limited", "Too many reports from this account: the limit is 5 in 24 hours.",
    )  # fmt: skip


def test_fifth_report_of_the_day_is_still_within_the_rate_limit(
    make_report: MakeReport, make_context: MakeContext
) -> None:
    assert decide(make_report(), make_context(prior_reports_in_last_day=4), POLICY).outcome == "approved"


def test_rejection_lists_every_failed_check_not_only_the_first(
    make_report: MakeReport, make_context: MakeContext, make_competitor: MakeCompetitor, now: datetime
) -> None:
    market = make_competitor(name="MegaMart Health", kind="marketplace", active=False)
    report = make_report(
        competitor_id=market.id,
        region="FL",
        competitor_price=Money(31000, "USD"),
        observed_at=now - timedelta(days=10),
        price_kind="membership",
    )
    context = make_context(competitor=market, granted_matches=(now - timedelta(days=1),), prior_reports_in_last_day=9)
    decision = decide(report, context, POLICY)
    assert decision.outcome == "rejected"
    assert decision.codes == [
        "competitor_inactive",
        "competitor_marketplace",
        "competitor_not_licensed_in_region",
        "price_not_lower",
        "report_stale",
        "price_kind_excluded",
        "already_matched",
        "rate_limited",
    ]
    assert len(decision.reasons) == len(decision.codes)
    assert "MegaMart Health is a marketplace, not a licensed clinic." in decision.reasons
