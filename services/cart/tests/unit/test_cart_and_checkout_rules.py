"""The cart's own rules (lines, quantities, merging) and the checkout rules (region, evaluation)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cart.domain.cart import MAX_QUANTITY, Cart, CartClosed, CartError, CartStatus, LineNotFound
from cart.domain.catalog import Price, ProductInfo
from cart.domain.checkout import refusals
from cart.domain.order import Order, OrderStatus
from cart.domain.pricing import price_cart

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TROCHE = ProductInfo("p1", "Ketamine troches", "troche", "active", frozenset({"NY", "NJ"}), True, 1)
EVAL = ProductInfo("p2", "Initial evaluation", "evaluation", "active", frozenset({"NY"}), False, 1)
PRICES = {"TRO-30": Price("TRO-30", 30000, "USD", 1), "EVAL": Price("EVAL", 9900, "USD", 1)}


def new_cart(customer: str | None = "c1", cart_id: str = "cart-1") -> Cart:
    return Cart(cart_id, customer, None if customer else "hash", CartStatus.open, NOW, NOW)


def test_adding_a_sku_again_adds_to_its_line_at_the_price_shown_now() -> None:
    cart = new_cart()
    first = cart.add(line_id="l1", sku="TRO-30", quantity=1, unit_price=30000, currency="USD", now=NOW)
    again = cart.add(line_id="l2", sku="TRO-30", quantity=2, unit_price=31000, currency="USD", now=NOW)
    assert again is first and (first.quantity, first.unit_price_seen, len(cart.lines)) == (3, 31000, 1)


def test_quantities_stay_within_bounds_and_unknown_lines_are_refused() -> None:
    cart = new_cart()
    line = cart.add(line_id="l1", sku="TRO-30", quantity=MAX_QUANTITY, unit_price=1, currency="USD", now=NOW)
    with pytest.raises(CartError):
        cart.add(line_id="l2", sku="TRO-30", quantity=1, unit_price=1, currency="USD", now=NOW)
    with pytest.raises(CartError):
        cart.change_quantity(line.id, 0, NOW)
    with pytest.raises(LineNotFound):
        cart.remove("nope", NOW)
    cart.remove(line.id, NOW)
    assert cart.lines == []


def test_merging_adds_quantities_of_the_same_sku_and_closes_the_anonymous_cart() -> None:
    mine, anon = new_cart(), new_cart(customer=None, cart_id="anon")
    mine.add(line_id="m1", sku="TRO-30", quantity=1, unit_price=30000, currency="USD", now=NOW)
    anon.add(line_id="a1", sku="TRO-30", quantity=2, unit_price=29000, currency="USD", now=NOW)
    anon.add(line_id="a2", sku="EVAL", quantity=1, unit_price=9900, currency="USD", now=NOW)
    mine.absorb(anon, NOW)
    assert [(ln.sku, ln.quantity, ln.unit_price_seen) for ln in mine.lines] == [("TRO-30", 3, 30000),
                                                                               ("EVAL", 1, 9900)]
    assert (anon.status, anon.merged_into, anon.lines) == (CartStatus.merged, "cart-1", [])
    with pytest.raises(CartClosed):
        anon.add(line_id="x", sku="EVAL", quantity=1, unit_price=1, currency="USD", now=NOW)


def _refusals(cart: Cart, region: str, evaluated: bool) -> list[str]:
    priced = price_cart(cart, {"TRO-30": TROCHE, "EVAL": EVAL}, PRICES, [], NOW, "USD")
    return [r.code for r in refusals(priced, region, evaluated)]


def test_checkout_refuses_an_item_not_sold_in_the_region_and_one_needing_an_evaluation() -> None:
    cart = new_cart()
    cart.add(line_id="l1", sku="TRO-30", quantity=1, unit_price=30000, currency="USD", now=NOW)
    assert _refusals(cart, "CA", evaluated=True) == ["not_sold_in_region"]
    assert _refusals(cart, "NY", evaluated=False) == ["evaluation_required"]
    assert _refusals(cart, "CA", evaluated=False) == ["not_sold_in_region", "evaluation_required"]
    assert _refusals(cart, "NJ", evaluated=True) == []
    assert _refusals(new_cart(), "NY", evaluated=True) == ["empty_cart"]


def test_an_order_is_paid_once_and_a_paid_order_never_fails() -> None:
    cart = new_cart()
    cart.add(line_id="l1", sku="EVAL", quantity=1, unit_price=9900, currency="USD", now=NOW)
    order = Order.place("o1", price_cart(cart, {"EVAL": EVAL}, PRICES, [], NOW, "USD"), "NY", NOW)
    assert order.mark_failed("pi_1", "card_declined", NOW) is True
    assert order.mark_failed("pi_1", "card_declined", NOW) is False
    assert order.mark_paid("pi_other", NOW) is False  # another PaymentIntent is not this order's
    assert order.mark_paid("pi_1", NOW) is True and order.status is OrderStatus.paid
    assert order.mark_paid("pi_1", NOW) is False and order.mark_failed("pi_1", "x", NOW) is False
    assert (order.total, order.lines[0].category) == (9900, "evaluation")


def test_a_merge_over_the_line_limit_is_refused_whole_and_drops_nothing() -> None:
    from cart.domain.cart import MAX_LINES, CartLimit

    mine, anon = new_cart(), new_cart(customer=None, cart_id="anon")
    for i in range(MAX_LINES - 1):
        mine.add(line_id=f"m{i}", sku=f"SKU-{i}", quantity=1, unit_price=100, currency="USD", now=NOW)
    anon.add(line_id="a0", sku="SKU-0", quantity=1, unit_price=100, currency="USD", now=NOW)  # same SKU: no new line
    anon.add(line_id="a1", sku="NEW-1", quantity=1, unit_price=100, currency="USD", now=NOW)
    anon.add(line_id="a2", sku="NEW-2", quantity=1, unit_price=100, currency="USD", now=NOW)
    with pytest.raises(CartLimit, match="at most 50"):
        mine.absorb(anon, NOW)
    assert len(mine.lines) == MAX_LINES - 1 and mine.lines[0].quantity == 1
    assert (anon.status, len(anon.lines)) == (CartStatus.open, 3)
    anon.remove("a2", NOW)
    mine.absorb(anon, NOW)
    assert len(mine.lines) == MAX_LINES and anon.status is CartStatus.merged


def test_a_total_under_the_payment_providers_minimum_is_refused() -> None:
    cart = new_cart()
    cart.add(line_id="l1", sku="EVAL", quantity=1, unit_price=49, currency="USD", now=NOW)
    priced = price_cart(cart, {"EVAL": EVAL}, {"EVAL": Price("EVAL", 49, "USD", 1)}, [], NOW, "USD")
    [refusal] = refusals(priced, "NY", True, minimum_charge=50)
    assert refusal.code == "below_minimum_charge" and "USD 0.50" in refusal.message
    fifty = price_cart(cart, {"EVAL": EVAL}, {"EVAL": Price("EVAL", 50, "USD", 1)}, [], NOW, "USD")
    assert refusals(fifty, "NY", True, minimum_charge=50) == []


def test_refunds_add_up_and_a_fully_refunded_order_is_refunded_and_never_paid_again() -> None:
    cart = new_cart()
    cart.add(line_id="l1", sku="EVAL", quantity=1, unit_price=9900, currency="USD", now=NOW)
    order = Order.place("o1", price_cart(cart, {"EVAL": EVAL}, PRICES, [], NOW, "USD"), "NY", NOW)
    assert order.mark_paid("pi_1", NOW)
    assert order.record_refund(1000, NOW) == 1000 and order.status is OrderStatus.paid
    assert order.record_refund(1000, NOW) == 0  # the same cumulative amount again: nothing new
    assert order.record_refund(9900, NOW) == 8900 and order.status is OrderStatus.refunded
    assert order.mark_paid("pi_1", NOW) is False and order.mark_mismatched("pi_1", "x", NOW) is False


def test_a_mismatched_payment_holds_the_order_and_it_is_not_paid_by_a_later_event() -> None:
    cart = new_cart()
    cart.add(line_id="l1", sku="EVAL", quantity=1, unit_price=9900, currency="USD", now=NOW)
    order = Order.place("o1", price_cart(cart, {"EVAL": EVAL}, PRICES, [], NOW, "USD"), "NY", NOW)
    assert order.mark_mismatched("pi_1", "expected 9900", NOW) and order.status is OrderStatus.payment_mismatch
    assert order.mark_paid("pi_1", NOW) is False and order.cancel("x", NOW) is False
