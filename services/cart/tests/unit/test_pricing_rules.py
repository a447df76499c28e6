"""Pricing a cart: the price seen and the current price, the customer's discount, totals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cart.domain.cart import Cart, CartLine, CartStatus
from cart.domain.catalog import Discount, DiscountStatus, Price, ProductInfo
from cart.domain.pricing import price_cart

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TROCHE = ProductInfo("p1", "Ketamine troches", "troche", "active", frozenset({"NY"}), True, 1)


def cart_of(*lines: tuple[str, int, int], customer: str | None = "c1") -> Cart:
    cart = Cart("cart-1", customer, None, CartStatus.open, NOW, NOW)
    cart.lines = [CartLine(f"l{i}", sku, qty, seen, "USD", NOW) for i, (sku, qty, seen) in enumerate(lines)]
    return cart


def grant(amount: int, *, sku: str = "TRO-30", status: DiscountStatus = DiscountStatus.granted,
          expires: timedelta = timedelta(days=1), customer: str = "c1", currency: str = "USD",
          discount_id: str = "d1") -> Discount:
    return Discount(discount_id, customer, sku, amount, currency, NOW + expires, status)


def test_a_price_change_shows_both_prices_and_a_notice() -> None:
    priced = price_cart(cart_of(("TRO-30", 1, 30000)), {"TRO-30": TROCHE}, {"TRO-30": Price("TRO-30", 32000, "USD", 2)},
                        [], NOW, "USD")
    line = priced.lines[0]
    assert (line.line.unit_price_seen, line.unit_price, line.price_changed) == (30000, 32000, True)
    assert "changed from USD 300.00 to USD 320.00" in line.notices[0]
    assert priced.total == 32000


def test_an_unchanged_price_has_no_notice() -> None:
    priced = price_cart(cart_of(("TRO-30", 2, 30000)), {"TRO-30": TROCHE}, {"TRO-30": Price("TRO-30", 30000, "USD", 1)},
                        [], NOW, "USD")
    assert not priced.lines[0].price_changed and priced.notices == [] and priced.total == 60000


def test_a_granted_discount_takes_exactly_its_amount_off_each_unit_of_the_matching_line() -> None:
    other = ProductInfo("p2", "Evaluation", "evaluation", "active", frozenset({"NY"}), False, 1)
    priced = price_cart(cart_of(("TRO-30", 3, 30000), ("EVAL", 1, 9900)), {"TRO-30": TROCHE, "EVAL": other},
                        {"TRO-30": Price("TRO-30", 30000, "USD", 1), "EVAL": Price("EVAL", 9900, "USD", 1)},
                        [grant(6000)], NOW, "USD")
    troche, evaluation = priced.lines
    assert (troche.discount, troche.final_unit_price, troche.line_total, troche.discount_id) == (6000, 24000, 72000, "d1")
    assert evaluation.discount == 0 and evaluation.line_total == 9900
    assert priced.total == 72000 + 9900 and priced.discount_total == 18000


def test_expired_revoked_redeemed_or_someone_elses_discounts_do_not_apply() -> None:
    for d in (grant(6000, expires=timedelta(seconds=-1)), grant(6000, status=DiscountStatus.revoked),
              grant(6000, status=DiscountStatus.expired), grant(6000, status=DiscountStatus.redeemed),
              grant(6000, customer="someone-else"), grant(6000, currency="EUR")):
        priced = price_cart(cart_of(("TRO-30", 1, 30000)), {"TRO-30": TROCHE},
                            {"TRO-30": Price("TRO-30", 30000, "USD", 1)}, [d], NOW, "USD")
        assert priced.lines[0].discount == 0, d


def test_an_anonymous_cart_gets_no_discount() -> None:
    priced = price_cart(cart_of(("TRO-30", 1, 30000), customer=None), {"TRO-30": TROCHE},
                        {"TRO-30": Price("TRO-30", 30000, "USD", 1)}, [grant(6000)], NOW, "USD")
    assert priced.lines[0].discount == 0


def test_the_largest_usable_discount_applies_and_never_more_than_the_price() -> None:
    priced = price_cart(cart_of(("TRO-30", 1, 5000)), {"TRO-30": TROCHE}, {"TRO-30": Price("TRO-30", 5000, "USD", 1)},
                        [grant(1000, discount_id="a"), grant(9000, discount_id="b")], NOW, "USD")
    assert (priced.lines[0].discount, priced.lines[0].final_unit_price, priced.lines[0].discount_id) == (5000, 0, "b")


def test_an_archived_or_unpriced_item_is_unavailable_with_a_notice() -> None:
    archived = ProductInfo("p1", "Ketamine troches", "troche", "archived", frozenset({"NY"}), True, 2)
    for products, prices in (({"TRO-30": archived}, {"TRO-30": Price("TRO-30", 30000, "USD", 1)}), ({}, {})):
        line = price_cart(cart_of(("TRO-30", 1, 30000)), products, prices, [], NOW, "USD").lines[0]
        assert not line.available and "no longer available" in line.notices[0]


def test_an_empty_cart_is_empty_in_the_default_currency() -> None:
    priced = price_cart(cart_of(), {}, {}, [], NOW, "USD")
    assert (priced.lines, priced.total, priced.currency) == ((), 0, "USD")


@given(price=st.integers(0, 10**7), amount_off=st.integers(0, 10**7), quantity=st.integers(1, 99),
       seen=st.integers(0, 10**7))
def test_line_arithmetic_holds_for_any_amounts(price: int, amount_off: int, quantity: int, seen: int) -> None:
    priced = price_cart(cart_of(("TRO-30", quantity, seen)), {"TRO-30": TROCHE},
                        {"TRO-30": Price("TRO-30", price, "USD", 1)}, [grant(amount_off)], NOW, "USD")
    line = priced.lines[0]
    assert line.discount == min(amount_off, price)
    assert 0 <= line.final_unit_price == price - line.discount
    assert line.line_total == line.final_unit_price * quantity == priced.total
    assert priced.subtotal - priced.discount_total == priced.total
    assert line.price_changed is (price != seen)
