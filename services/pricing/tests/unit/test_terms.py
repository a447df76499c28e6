"""The discount terms: "20% off the lower of our price and the competitor's price"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.domain import CurrencyMismatchError, Money, PriceMatchPolicy, terms_for

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SKU = "KET-TROCHE-100MG-30"


def usd(amount: int) -> Money:
    return Money(amount, "USD")


def test_customer_pays_20_percent_less_than_the_lower_competitor_price() -> None:
    terms = terms_for(usd(30000), usd(24000), PriceMatchPolicy(), NOW, sku=SKU)
    assert terms.basis_price == usd(24000)
    assert terms.final_unit_price == 19200  # 24000 - 20% of 24000
    assert terms.amount_off == 10800  # off our price of 30000
    assert terms.our_unit_price == 30000
    assert terms.currency == "USD"
    assert terms.sku == SKU


def test_discount_expires_after_the_policy_ttl() -> None:
    terms = terms_for(usd(30000), usd(24000), PriceMatchPolicy(discount_ttl=timedelta(days=14)), NOW, sku=SKU)
    assert terms.expires_at == NOW + timedelta(days=14)


def test_basis_ours_takes_the_percentage_off_our_price() -> None:
    terms = terms_for(usd(30000), usd(24000), PriceMatchPolicy(basis="ours"), NOW, sku=SKU)
    assert (terms.basis_price, terms.final_unit_price, terms.amount_off) == (usd(30000), 24000, 6000)


def test_basis_competitor_takes_the_percentage_off_their_price() -> None:
    terms = terms_for(usd(30000), usd(25000), PriceMatchPolicy(basis="competitor"), NOW, sku=SKU)
    assert (terms.basis_price, terms.final_unit_price, terms.amount_off) == (usd(25000), 20000, 10000)


def test_cap_bounds_only_the_percentage_portion() -> None:
    terms = terms_for(usd(30000), usd(24000), PriceMatchPolicy(per_unit_cap_minor=1000), NOW, sku=SKU)
    assert terms.final_unit_price == 23000  # the competitor's 24000 less the capped 1000
    assert terms.amount_off == 7000  # 6000 price match + 1000 capped percentage


def test_percentage_is_rounded_half_up_once() -> None:
    terms = terms_for(usd(30000), usd(1999), PriceMatchPolicy(), NOW, sku=SKU)
    assert terms.final_unit_price == 1599  # 1999 - round_half_up(399.8)


def test_terms_refuse_prices_in_different_currencies() -> None:
    with pytest.raises(CurrencyMismatchError):
        terms_for(usd(30000), Money(24000, "EUR"), PriceMatchPolicy(), NOW, sku=SKU)


def test_terms_refuse_a_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        terms_for(usd(30000), usd(24000), PriceMatchPolicy(), datetime(2025, 3, 1), sku=SKU)


prices = st.integers(min_value=1, max_value=10_000_000)
percents = st.decimals(min_value=Decimal("0.01"), max_value=100, places=2)
caps = st.none() | st.integers(min_value=0, max_value=10_000_000)
bases = st.sampled_from(["lower_of_ours_and_competitor", "ours", "competitor"])


@given(ours=prices, theirs=prices)
def test_uncapped_promise_final_is_exactly_the_lower_price_less_20_percent_rounded_half_up(
    ours: int, theirs: int
) -> None:
    terms = terms_for(usd(ours), usd(theirs), PriceMatchPolicy(), NOW, sku=SKU)
    basis = min(ours, theirs)
    assert terms.final_unit_price == basis - (basis * 20 + 50) // 100  # integer half-up, no Decimal
    assert 100 * terms.final_unit_price <= 80 * basis + 50  # at most 80% of the best price, within rounding


@given(ours=prices, theirs=prices, percent=percents, cap=caps, basis=bases)
def test_terms_always_balance_and_never_go_negative(
    ours: int, theirs: int, percent: Decimal, cap: int | None, basis: str
) -> None:
    policy = PriceMatchPolicy(discount_percent=percent, per_unit_cap_minor=cap, basis=basis)  # type: ignore[arg-type]
    terms = terms_for(usd(ours), usd(theirs), policy, NOW, sku=SKU)
    assert terms.final_unit_price >= 0
    assert terms.amount_off >= 0
    assert terms.amount_off + terms.final_unit_price == ours
    assert terms.final_unit_price <= ours


@given(ours=prices, theirs=prices, percent=percents, cap=st.integers(min_value=0, max_value=10_000_000), basis=bases)
def test_cap_never_lets_the_discount_exceed_the_price_match_plus_the_cap(
    ours: int, theirs: int, percent: Decimal, cap: int, basis: str
) -> None:
    policy = PriceMatchPolicy(discount_percent=percent, per_unit_cap_minor=cap, basis=basis)  # type: ignore[arg-type]
    terms = terms_for(usd(ours), usd(theirs), policy, NOW, sku=SKU)
    basis_amount = terms.basis_price.amount
    assert terms.amount_off <= max(0, ours - basis_amount) + cap
    assert terms.final_unit_price >= min(ours, basis_amount - cap)


@given(ours=prices, theirs=prices, percent=percents, basis=bases)
def test_uncapped_discount_is_the_price_match_plus_the_rounded_percentage(
    ours: int, theirs: int, percent: Decimal, basis: str
) -> None:
    policy = PriceMatchPolicy(discount_percent=percent, basis=basis)  # type: ignore[arg-type]
    terms = terms_for(usd(ours), usd(theirs), policy, NOW, sku=SKU)
    b = terms.basis_price.amount
    expected_final = min(ours, b - int((Decimal(b) * percent / 100).to_integral_value(rounding="ROUND_HALF_UP")))
    assert terms.final_unit_price == expected_final
