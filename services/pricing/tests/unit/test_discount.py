"""The ``Discount`` aggregate: redeem, expire, revoke, and the events they record."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from pricing.domain import (
    Discount,
    DiscountExpired,
    DiscountGranted,
    DiscountRedeemed,
    DiscountReinstated,
    DiscountRevoked,
    DiscountStateError,
    Money,
    PriceMatchPolicy,
    terms_for,
)

from .helpers import NOW

EXPIRES = NOW + timedelta(days=30)


def granted() -> Discount:
    terms = terms_for(Money(30000, "USD"), Money(24000, "USD"), PriceMatchPolicy(), NOW, sku="KET-TROCHE-100MG-30",
                      region="TX")
    return Discount.from_terms(
        id=f"discount-{uuid.uuid4().hex}", customer_id=f"customer-{uuid.uuid4().hex}",
        report_id=f"report-{uuid.uuid4().hex}", terms=terms, granted_at=NOW,
    )  # fmt: skip


def order_id() -> str:
    return f"order-{uuid.uuid4().hex}"


def test_discount_from_terms_is_granted_with_the_terms_amounts() -> None:
    discount = granted()
    assert discount.status == "granted"
    assert (discount.amount_off, discount.final_unit_price, discount.currency) == (10800, 19200, "USD")
    assert discount.expires_at == EXPIRES
    assert discount.events == []


def test_granted_event_describes_the_discount() -> None:
    discount = granted()
    assert discount.granted_event() == DiscountGranted(
        discount_id=discount.id, customer_id=discount.customer_id, sku=discount.sku,
        report_id=discount.report_id, amount_off=10800, final_unit_price=19200, currency="USD",
        expires_at=EXPIRES, granted_at=NOW, percent_off=20, our_unit_price=30000, competitor_unit_price=24000,
        region="TX", max_units=1,
    )  # fmt: skip


def test_discount_is_usable_until_its_expiry_time() -> None:
    discount = granted()
    assert discount.is_usable(EXPIRES - timedelta(seconds=1))
    assert not discount.is_usable(EXPIRES)


def test_redeem_marks_the_discount_redeemed_by_the_order_and_records_it() -> None:
    discount, order = granted(), order_id()
    at = NOW + timedelta(days=2)
    assert discount.redeem(order, at) is True
    assert (discount.status, discount.redeemed_order_id, discount.redeemed_at) == ("redeemed", order, at)
    assert discount.events == [DiscountRedeemed(discount.id, discount.customer_id, discount.sku, order, at)]
    assert not discount.is_usable(at)


def test_redeeming_again_with_the_same_order_is_a_no_op() -> None:
    discount, order = granted(), order_id()
    discount.redeem(order, NOW)
    assert discount.redeem(order, NOW + timedelta(hours=1)) is False
    assert len(discount.events) == 1


def test_redeeming_with_another_order_is_refused() -> None:
    discount = granted()
    discount.redeem(order_id(), NOW)
    with pytest.raises(DiscountStateError, match="another order"):
        discount.redeem(order_id(), NOW)


def test_redeeming_at_or_after_the_expiry_time_is_refused() -> None:
    discount = granted()
    with pytest.raises(DiscountStateError, match="expired"):
        discount.redeem(order_id(), EXPIRES)
    assert discount.status == "granted"
    assert discount.events == []


@pytest.mark.parametrize("end", ["expired", "revoked"])
def test_an_expired_or_revoked_discount_cannot_be_redeemed(end: str) -> None:
    discount = granted()
    if end == "expired":
        discount.expire(EXPIRES)
    else:
        discount.revoke("Competitor price was a typo on their site.", NOW)
    with pytest.raises(DiscountStateError, match=end):
        discount.redeem(order_id(), NOW)


def test_expire_at_the_expiry_time_records_it() -> None:
    discount = granted()
    assert discount.expire(EXPIRES) is True
    assert discount.status == "expired"
    assert discount.events == [DiscountExpired(discount.id, discount.customer_id, discount.sku, EXPIRES)]


def test_expire_before_the_expiry_time_is_refused() -> None:
    discount = granted()
    with pytest.raises(DiscountStateError, match="valid until"):
        discount.expire(EXPIRES - timedelta(seconds=1))
    assert discount.status == "granted"


def test_expiring_an_expired_discount_is_a_no_op() -> None:
    discount = granted()
    discount.expire(EXPIRES)
    assert discount.expire(EXPIRES + timedelta(days=1)) is False
    assert len(discount.events) == 1


def test_a_redeemed_discount_never_expires() -> None:
    discount = granted()
    discount.redeem(order_id(), NOW)
    with pytest.raises(DiscountStateError, match="redeemed"):
        discount.expire(EXPIRES)


def test_revoke_withdraws_an_unused_discount_with_its_reason() -> None:
    discount = granted()
    discount.revoke("  Proof did not show the price.  ", NOW)
    assert (discount.status, discount.revoked_reason) == ("revoked", "Proof did not show the price.")
    assert discount.events == [
        DiscountRevoked(discount.id, discount.customer_id, discount.sku, "Proof did not show the price.", NOW)
    ]


def test_revoke_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="reason"):
        granted().revoke("  ", NOW)


@pytest.mark.parametrize("end", ["redeemed", "expired", "revoked"])
def test_only_a_granted_discount_can_be_revoked(end: str) -> None:
    discount = granted()
    if end == "redeemed":
        discount.redeem(order_id(), NOW)
    elif end == "expired":
        discount.expire(EXPIRES)
    else:
        discount.revoke("Duplicate report.", NOW)
    with pytest.raises(DiscountStateError, match=end):
        discount.revoke("Again.", NOW)


def test_a_full_refund_of_the_redeeming_order_reinstates_an_unexpired_discount() -> None:
    discount, order = granted(), order_id()
    discount.redeem(order, NOW)
    discount.events.clear()
    assert discount.reinstate(order, NOW + timedelta(days=1))
    assert (discount.status, discount.redeemed_order_id) == ("granted", None)
    assert discount.events == [DiscountReinstated(discount.id, discount.customer_id, discount.sku, order, EXPIRES,
                                                  NOW + timedelta(days=1))]


def test_a_refund_after_the_expiry_or_of_another_order_reinstates_nothing() -> None:
    discount, order = granted(), order_id()
    discount.redeem(order, NOW)
    discount.events.clear()
    assert not discount.reinstate(order_id(), NOW)
    assert not discount.reinstate(order, EXPIRES)
    assert discount.status == "redeemed" and discount.events == []


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (30000, (10800, 19200)),  # as granted: 20% off the competitor's 240.00
        (40000, (20800, 19200)),  # our price rose: never above the price shown at the grant
        (22000, (4400, 17600)),  # our price fell below theirs: 20% off our new price
        (9000, (1800, 7200)),  # far below: still 20% off, never free
    ],
)
def test_price_now_applies_the_promise_to_todays_price(current: int, expected: tuple[int, int]) -> None:
    assert granted().price_now(current) == expected
