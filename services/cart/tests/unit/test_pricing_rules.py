"""Pricing a cart: the price seen and the current price, the customer's discount, totals.

The discount rule (docs/product-rules.md#what-a-discount-is-worth): per discounted unit, basis = min(current price, competitor's price),
amount off = ceil(basis * percent / 100), final = min(final shown at the grant, basis - amount off); at
most max_units units of a line; only in the discount's region; never free.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cart.domain.cart import Cart, CartLine, CartStatus
from cart.domain.catalog import Discount, DiscountStatus, Price, ProductInfo
from cart.domain.pricing import ceil_percent, price_cart, total_at_prices_seen
from cart.service_layer.read_models import v1_terms
from clinic_shared.events.pricing import DiscountGranted

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TROCHE = ProductInfo("p1", "Ketamine troches", "troche", "active", frozenset({"NY", "TX"}), True, 1)


def cart_of(*lines: tuple[str, int, int], customer: str | None = "c1") -> Cart:
    cart = Cart("cart-1", customer, None, CartStatus.open, NOW, NOW)
    cart.lines = [CartLine(f"l{i}", sku, qty, seen, "USD", NOW) for i, (sku, qty, seen) in enumerate(lines)]
    return cart


def grant(ours: int = 30000, theirs: int = 25000, *, percent: int = 20, sku: str = "TRO-30",
          status: DiscountStatus = DiscountStatus.granted, expires: timedelta = timedelta(days=1),
          customer: str = "c1", currency: str = "USD", discount_id: str = "d1", region: str | None = None,
          max_units: int = 99) -> Discount:
    """A discount as pricing grants it (v2): the final shown at the grant follows the same rule."""
    basis = min(ours, theirs)
    off = ceil_percent(basis, percent)
    return Discount(discount_id, customer, sku, off, currency, NOW + expires, status, percent_off=percent,
                    competitor_unit_price=theirs, final_unit_price_at_grant=basis - off, region=region,
                    max_units=max_units)


def one_line(price: int, d: Discount | None, quantity: int = 1, *, region: str | None = None,
             held: dict[str, str] | None = None):
    priced = price_cart(cart_of(("TRO-30", quantity, price)), {"TRO-30": TROCHE},
                        {"TRO-30": Price("TRO-30", price, "USD", 2)}, [d] if d else [], NOW, "USD",
                        region=region, held=held)
    return priced, priced.lines[0]


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


def test_the_discount_follows_todays_price_and_never_rises_above_the_price_shown_at_the_grant() -> None:
    """Issue 10 point 1: granted at ours 30,000 vs theirs 25,000 (final shown 20,000)."""
    d = grant(30000, 25000)
    assert d.final_unit_price_at_grant == 20000
    # Our price rises to 40,000: still 20,000 (today's code charged 40,000 - 5,000 = 35,000).
    assert one_line(40000, d)[1].final_unit_price == 20000
    # Falls to 22,000: 20% off 22,000 = 17,600 (today's code: 17,000 from the fixed amount, not the rule).
    line = one_line(22000, d)[1]
    assert (line.final_unit_price, line.discount) == (17600, 4400)
    # Falls to 9,000: 7,200, never 0.
    assert one_line(9000, d)[1].final_unit_price == 7200


def test_the_amount_off_is_rounded_up_so_the_customer_pays_at_least_the_percentage_less() -> None:
    line = one_line(1997, grant(1997, 5000))[1]
    assert (line.discount, line.final_unit_price) == (400, 1597)  # 20% of 1,997 is 399.4; 1,597.6 at most


def test_a_granted_discount_applies_to_at_most_max_units_of_the_line() -> None:
    other = ProductInfo("p2", "Evaluation", "evaluation", "active", frozenset({"NY"}), False, 1)
    priced = price_cart(cart_of(("TRO-30", 3, 30000), ("EVAL", 1, 9900)), {"TRO-30": TROCHE, "EVAL": other},
                        {"TRO-30": Price("TRO-30", 30000, "USD", 1), "EVAL": Price("EVAL", 9900, "USD", 1)},
                        [grant(30000, 30000, max_units=2)], NOW, "USD")
    troche, evaluation = priced.lines
    assert (troche.discount, troche.final_unit_price, troche.discounted_units, troche.discount_id) == (
        6000, 24000, 2, "d1")
    assert troche.line_total == 2 * 24000 + 30000
    assert any("on 2 of 3" in n for n in troche.notices)
    assert evaluation.discount == 0 and evaluation.line_total == 9900
    assert priced.total == 78000 + 9900 and priced.discount_total == 12000
    assert priced.subtotal - priced.discount_total == priced.total


def test_expired_revoked_redeemed_or_someone_elses_discounts_do_not_apply() -> None:
    for d in (grant(expires=timedelta(seconds=-1)), grant(status=DiscountStatus.revoked),
              grant(status=DiscountStatus.expired), grant(status=DiscountStatus.redeemed),
              grant(customer="someone-else"), grant(currency="EUR")):
        assert one_line(30000, d)[1].discount == 0, d


def test_the_cart_says_when_a_discount_expired_or_was_revoked() -> None:
    assert any("expired on" in n for n in one_line(30000, grant(expires=timedelta(seconds=-1)))[1].notices)
    assert any("expired on" in n for n in one_line(30000, grant(status=DiscountStatus.expired))[1].notices)
    assert any("was revoked" in n for n in one_line(30000, grant(status=DiscountStatus.revoked))[1].notices)
    assert one_line(30000, grant(status=DiscountStatus.redeemed))[1].notices == ()


def test_a_discount_held_by_another_order_shows_as_in_use_and_does_not_apply() -> None:
    priced, line = one_line(30000, grant(), held={"d1": "order-7"})
    assert line.discount == 0 and priced.total == 30000
    assert any("in use by order order-7" in n for n in line.notices)


def test_a_discount_applies_only_in_its_region_and_the_line_says_why() -> None:
    d = grant(region="TX")
    browsing = one_line(30000, d)[1]
    assert browsing.discount == 10000 and any("delivery in TX only" in n for n in browsing.notices)
    assert one_line(30000, d, region="TX")[1].discount == 10000
    elsewhere = one_line(30000, d, region="NY")[1]
    assert elsewhere.discount == 0 and elsewhere.line_total == 30000
    assert any("holds for delivery in TX only, not NY" in n for n in elsewhere.notices)


def test_an_anonymous_cart_gets_no_discount() -> None:
    priced = price_cart(cart_of(("TRO-30", 1, 30000), customer=None), {"TRO-30": TROCHE},
                        {"TRO-30": Price("TRO-30", 30000, "USD", 1)}, [grant()], NOW, "USD")
    assert priced.lines[0].discount == 0


def test_the_lowest_final_price_applies_and_a_discount_never_makes_an_item_free() -> None:
    """Corrects the former test_the_largest_usable_discount_applies_and_never_more_than_the_price, which
    asserted a final price of 0 (a free item) as correct."""
    priced = price_cart(cart_of(("TRO-30", 1, 5000)), {"TRO-30": TROCHE}, {"TRO-30": Price("TRO-30", 5000, "USD", 1)},
                        [grant(5000, 4000, discount_id="a"), grant(5000, 3000, discount_id="b")], NOW, "USD")
    line = priced.lines[0]
    assert (line.final_unit_price, line.discount_id) == (2400, "b")
    free = one_line(1, grant(30000, 1))[1]  # 20% of 1 rounds up to 1: it would be free, so it does not apply
    assert (free.discount, free.final_unit_price) == (0, 1)
    assert any("would make the item free" in n for n in free.notices)


def test_a_v1_grant_is_read_so_that_the_customer_never_pays_more_than_its_final_price() -> None:
    """The issue's example as pricing granted it in v1: ours 30,000, theirs 25,000: 10,000 off, final 20,000."""
    v1 = DiscountGranted(customer_id="c1", sku="TRO-30", discount_id="d1", report_id="r1", amount_off=10000,
                         final_unit_price=20000, currency="USD", expires_at=NOW + timedelta(days=1))
    d = v1_terms(v1, percent_off=20, max_units=2)
    assert (d.final_unit_price_at_grant, d.competitor_unit_price, d.region, d.max_units) == (20000, 25000, None, 2)
    assert one_line(40000, d)[1].final_unit_price == 20000  # today's code: 40,000 - 10,000 = 30,000
    assert one_line(22000, d)[1].final_unit_price == 17600  # today's code: 12,000
    assert one_line(9000, d)[1].final_unit_price == 7200  # today's code: 0 (free), then a 502 at checkout


def test_the_total_at_the_prices_seen_uses_each_lines_seen_price() -> None:
    cart = cart_of(("TRO-30", 2, 30000))
    d = grant(30000, 30000, max_units=1)
    priced = price_cart(cart, {"TRO-30": TROCHE}, {"TRO-30": Price("TRO-30", 31000, "USD", 2)}, [d], NOW, "USD")
    assert priced.total == 24000 + 31000
    assert total_at_prices_seen(cart, {"TRO-30": TROCHE}, [d], NOW, "USD") == 24000 + 30000


def test_an_archived_or_unpriced_item_is_unavailable_with_a_notice() -> None:
    archived = ProductInfo("p1", "Ketamine troches", "troche", "archived", frozenset({"NY"}), True, 2)
    for products, prices in (({"TRO-30": archived}, {"TRO-30": Price("TRO-30", 30000, "USD", 1)}), ({}, {})):
        line = price_cart(cart_of(("TRO-30", 1, 30000)), products, prices, [], NOW, "USD").lines[0]
        assert not line.available and "no longer available" in line.notices[0]


def test_an_empty_cart_is_empty_in_the_default_currency() -> None:
    priced = price_cart(cart_of(), {}, {}, [], NOW, "USD")
    assert (priced.lines, priced.total, priced.currency) == ((), 0, "USD")


PRICES = st.integers(1, 10**7)


@given(ours_at_grant=PRICES, theirs=PRICES, current=PRICES, quantity=st.integers(1, 99),
       max_units=st.integers(1, 99), seen=PRICES)
def test_the_final_unit_price_is_at_most_80_percent_of_the_lower_price_above_zero_and_never_above_the_grant(
    ours_at_grant: int, theirs: int, current: int, quantity: int, max_units: int, seen: int,
) -> None:
    """Corrects the former test_line_arithmetic_holds_for_any_amounts, which required the fixed amount off
    today's price (`discount == min(amount_off, price)`), so allowed a free item and a price above the promise."""
    d = grant(ours_at_grant, theirs, max_units=max_units)
    priced = price_cart(cart_of(("TRO-30", quantity, seen)), {"TRO-30": TROCHE},
                        {"TRO-30": Price("TRO-30", current, "USD", 2)}, [d], NOW, "USD")
    line = priced.lines[0]
    if line.discount_id is None:  # only where 20% off would leave nothing to pay
        assert min(current, theirs) - ceil_percent(min(current, theirs), 20) <= 0 or d.final_unit_price_at_grant <= 0
        assert line.line_total == current * quantity
    else:
        assert line.final_unit_price > 0
        assert line.final_unit_price * 100 <= 80 * min(current, theirs)
        assert line.final_unit_price <= d.final_unit_price_at_grant
        assert line.discount == current - line.final_unit_price
        assert line.discounted_units == min(quantity, max_units)
    assert line.line_total == (line.final_unit_price * line.discounted_units
                               + current * (quantity - line.discounted_units)) == priced.total
    assert priced.subtotal - priced.discount_total == priced.total
    assert line.price_changed is (current != seen)


@given(ours_at_grant=PRICES, theirs=PRICES, percent=st.integers(1, 99), changes=st.lists(PRICES, min_size=1,
                                                                                             max_size=5))
def test_any_percentage_and_any_price_changes_after_the_grant_keep_the_promise(
    ours_at_grant: int, theirs: int, percent: int, changes: list[int],
) -> None:
    d = grant(ours_at_grant, theirs, percent=percent)
    for current in changes:
        line = one_line(current, d)[1]
        if line.discount_id is not None:
            assert 0 < line.final_unit_price <= d.final_unit_price_at_grant
            assert line.final_unit_price * 100 <= (100 - percent) * min(current, theirs)


@given(amount_off=st.integers(1, 10**6), final=st.integers(-10, 10**7), current=PRICES)
def test_a_v1_grant_never_charges_more_than_its_final_price_nor_makes_an_item_free(
    amount_off: int, final: int, current: int,
) -> None:
    v1 = DiscountGranted(customer_id="c1", sku="TRO-30", discount_id="d1", report_id="r1", amount_off=amount_off,
                         final_unit_price=final, currency="USD", expires_at=NOW + timedelta(days=1))
    line = one_line(current, v1_terms(v1, percent_off=20, max_units=1))[1]
    if line.discount_id is not None:
        assert 0 < line.final_unit_price <= current
        assert final <= 0 or line.final_unit_price <= final
        assert line.final_unit_price * 100 <= 80 * current
