"""The policy settings, eligible competitors and competitor reports refuse bad values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from pricing.domain import CompetitorReport, EligibleCompetitor, Money, PriceMatchPolicy


def test_policy_defaults_are_the_brief_promise() -> None:
    policy = PriceMatchPolicy()
    assert policy.discount_percent == Decimal("20")
    assert policy.basis == "lower_of_ours_and_competitor"
    assert policy.per_unit_cap_minor is None
    assert policy.discount_ttl == timedelta(days=30)
    assert policy.report_recency == timedelta(days=7)
    assert policy.implausible_floor_ratio == Decimal("0.5")
    assert policy.match_window == timedelta(days=30)
    assert policy.excluded_price_kinds == frozenset({"membership", "introductory", "bundle"})
    assert policy.max_reports_per_customer_per_day == 5


@pytest.mark.parametrize(
    "settings",
    [
        {"discount_percent": Decimal(0)},
        {"discount_percent": Decimal("100.01")},
        {"discount_percent": 20.0},
        {"discount_percent": Decimal("NaN")},
        {"basis": "cheapest"},
        {"basis": "ours"},  # the promise is the lower of ours and theirs: the v2 contract has no other basis
        {"discount_percent": 60},
        {"discount_percent": Decimal("12.5")},
        {"max_units": 0},
        {"discount_ttl": timedelta(days=31)},  # longer than the 30-day match window
        {"per_unit_cap_minor": -1},
        {"per_unit_cap_minor": 10.5},
        {"discount_ttl": timedelta(0)},
        {"report_recency": timedelta(days=-1)},
        {"match_window": timedelta(0)},
        {"implausible_floor_ratio": Decimal("1.5")},
        {"implausible_floor_ratio": Decimal("-0.1")},
        {"excluded_price_kinds": frozenset({"sale"})},
        {"max_reports_per_customer_per_day": 0},
    ],
)
def test_policy_refuses_settings_outside_their_range(settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        PriceMatchPolicy(**settings)


def test_policy_accepts_a_cap_and_no_exclusions() -> None:
    policy = PriceMatchPolicy(per_unit_cap_minor=5000, excluded_price_kinds=frozenset())
    assert policy.per_unit_cap_minor == 5000
    assert policy.excluded_price_kinds == frozenset()


def test_competitor_domain_is_normalised_and_owns_its_subdomains(
    make_competitor: Callable[..., EligibleCompetitor],
) -> None:
    competitor = make_competitor(domain="WWW.CalmMind.Example")
    assert competitor.domain == "calmmind.example"
    assert competitor.owns_url("https://book.calmmind.example/ketamine")
    assert competitor.owns_url("http://calmmind.example/")
    assert not competitor.owns_url("https://calmmind.example.evil.test/ketamine")
    assert not competitor.owns_url("https://notcalmmind.example/ketamine")
    assert not competitor.owns_url("ftp://calmmind.example/file")


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "pharmacy"},
        {"domain": "https://calmmind.example/"},
        {"domain": "localhost"},
        {"licensed_regions": frozenset({"TX", "ZZ"})},
        {"name": "  "},
    ],
)
def test_competitor_refuses_bad_values(
    make_competitor: Callable[..., EligibleCompetitor], overrides: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        make_competitor(**overrides)


def test_report_needs_proof_as_a_url_or_a_quote_reference(make_report: Callable[..., CompetitorReport]) -> None:
    with pytest.raises(ValueError, match="proof"):
        make_report(proof_url=None, quote_ref=None)
    assert make_report(proof_url=None, quote_ref="upload-7f3a").quote_ref == "upload-7f3a"


@pytest.mark.parametrize(
    "overrides",
    [
        {"competitor_price": Money(0, "USD")},
        {"competitor_price": Money(-100, "USD")},
        {"region": "ZZ"},
        {"region": "tx"},
        {"price_kind": "sale"},
        {"competitor_url": "javascript:alert(1)"},
        {"proof_url": "file:///etc/passwd"},
        {"observed_at": datetime(2025, 2, 28, 12, 0)},
        {"created_at": datetime(2025, 3, 1, 12, 0)},
        {"sku": ""},
    ],
)
def test_report_refuses_bad_values(make_report: Callable[..., CompetitorReport], overrides: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        make_report(**overrides)
