"""Money in integer minor units and the one rounding rule: the amount off is rounded UP (the customer's favour)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import ceil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.domain import CurrencyMismatchError, Money, percent_of


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        (1999, "20", 400),  # 399.8 rounds up
        (1997, "20", 400),  # 399.4 rounds up too: the customer pays 1,597, not 1,598
        (1001, "20", 201),  # 200.2 rounds up
        (10, "25", 3),  # 2.5
        (2, "25", 1),  # 0.5
        (1, "49", 1),  # 0.49 rounds up
        (12, "12.5", 2),  # 1.5 with a fractional percent
        (30000, "20", 6000),  # exact: nothing to round
        (0, "20", 0),
        (-10, "25", -2),  # -2.5 rounds towards +infinity
    ],
)
def test_percent_of_rounds_up_to_the_minor_unit_in_the_customers_favour(
    amount: int, percent: str, expected: int
) -> None:
    assert percent_of(amount, Decimal(percent)) == expected


def test_percent_of_refuses_a_float_percent() -> None:
    with pytest.raises(TypeError):
        percent_of(1000, 20.0)  # type: ignore[arg-type]


def test_percent_of_refuses_a_non_integer_amount() -> None:
    with pytest.raises(TypeError):
        percent_of(10.5, Decimal(20))  # type: ignore[arg-type]


@given(
    amount=st.integers(min_value=0, max_value=10**15),
    percent=st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False),
)
def test_percent_of_matches_exact_arithmetic_rounded_up(amount: int, percent: Decimal) -> None:
    exact = Fraction(amount) * Fraction(percent) / 100
    assert percent_of(amount, percent) == ceil(exact)


@pytest.mark.parametrize("currency", ["usd", "US", "USDX", "U$D", "", 840])
def test_money_refuses_a_currency_that_is_not_three_uppercase_letters(currency: object) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(100, currency)  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", [1.5, Decimal("1.00"), "100", True])
def test_money_refuses_an_amount_that_is_not_integer_minor_units(amount: object) -> None:
    with pytest.raises(TypeError):
        Money(amount, "USD")  # type: ignore[arg-type]


def test_money_adds_and_subtracts_in_one_currency() -> None:
    assert Money(30000, "USD") + Money(250, "USD") == Money(30250, "USD")
    assert Money(30000, "USD") - Money(250, "USD") == Money(29750, "USD")


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
)
def test_money_refuses_to_mix_currencies(operation) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CurrencyMismatchError):
        operation(Money(100, "USD"), Money(100, "EUR"))


def test_money_compares_amounts_in_one_currency() -> None:
    assert Money(100, "USD") < Money(101, "USD")
    assert min(Money(300, "USD"), Money(200, "USD")) == Money(200, "USD")
    assert Money(100, "USD") != Money(100, "EUR")


def test_money_percent_uses_the_one_rounding_rule() -> None:
    assert Money(1999, "USD").percent(Decimal(20)) == Money(400, "USD")


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(30000, "USD"), "USD 300.00"),
        (Money(123456789, "USD"), "USD 1,234,567.89"),
        (Money(5, "EUR"), "EUR 0.05"),
        (Money(1000, "JPY"), "JPY 1,000"),
        (Money(1500, "KWD"), "KWD 1.500"),
        (Money(-250, "USD"), "USD -2.50"),
    ],
)
def test_money_reads_naturally_with_the_currency_exponent(money: Money, text: str) -> None:
    assert str(money) == text
