"""Events of pricing: prices (pricing.price.v1) and the price-match guarantee (pricing.price-match.v1).

Money is an integer in minor units next to an ISO 4217 currency.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from clinic_shared.events.base import Event
from clinic_shared.events.topics import PRICING_PRICE, PRICING_PRICE_MATCH


class PriceChanged(Event):
    TYPE: ClassVar[str] = "clinic.pricing.price-changed.v1"
    TOPIC: ClassVar[str] = PRICING_PRICE
    KEY_FIELD: ClassVar[str] = "sku"

    sku: str
    unit_price: int
    currency: str
    previous_unit_price: int | None = None
    version: int


class _PriceMatchEvent(Event):
    TOPIC: ClassVar[str] = PRICING_PRICE_MATCH
    KEY_FIELD: ClassVar[str] = "customer_id"

    customer_id: str
    sku: str


class PriceMatchRequested(_PriceMatchEvent):
    TYPE: ClassVar[str] = "clinic.pricing.price-match-requested.v1"

    report_id: str
    competitor_id: str | None
    competitor_price: int
    currency: str
    region: str


class PriceMatchApproved(_PriceMatchEvent):
    TYPE: ClassVar[str] = "clinic.pricing.price-match-approved.v1"

    report_id: str
    reasons: list[str]
    decided_by: str


class PriceMatchRejected(_PriceMatchEvent):
    TYPE: ClassVar[str] = "clinic.pricing.price-match-rejected.v1"

    report_id: str
    reasons: list[str]
    decided_by: str


class PriceMatchEscalated(_PriceMatchEvent):
    TYPE: ClassVar[str] = "clinic.pricing.price-match-escalated.v1"

    report_id: str
    reasons: list[str]


class DiscountGranted(_PriceMatchEvent):
    TYPE: ClassVar[str] = "clinic.pricing.discount-granted.v1"

    discount_id: str
    report_id: str
    amount_off: int
    final_unit_price: int
    currency: str
    expires_at: datetime


class DiscountGrantedV2(_PriceMatchEvent):
    """A granted discount, carrying what it means in money so that the cart can apply it to today's price.

    The final unit price the customer pays for each discounted unit is
    ``min(final_unit_price_at_grant, basis - amount_off(basis))`` where
    ``basis = min(our current unit price, competitor_unit_price)`` and ``amount_off(basis)`` is
    ``percent_off`` % of the basis rounded UP to the minor unit (the customer's favour). It applies to at most
    ``max_units`` units of one order line, only for delivery in ``region``, and is never at or below zero.
    """

    TYPE: ClassVar[str] = "clinic.pricing.discount-granted.v2"

    discount_id: str
    report_id: str
    currency: str
    expires_at: datetime
    percent_off: int
    # Our unit price and the competitor's reported unit price when the discount was granted.
    our_unit_price_at_grant: int
    competitor_unit_price: int
    # What the customer was shown at the grant: the final unit price is never above it.
    amount_off_at_grant: int
    final_unit_price_at_grant: int
    # Where and for how much the discount holds (policy settings, shown to the customer).
    region: str
    max_units: int


class DiscountReinstated(_PriceMatchEvent):
    """An order that redeemed the discount was refunded before the discount expired: it can be used again."""

    TYPE: ClassVar[str] = "clinic.pricing.discount-reinstated.v1"

    discount_id: str
    order_id: str
    expires_at: datetime


class PriceMatchRefundApproved(_PriceMatchEvent):
    """A price match reported after purchase was approved: the difference is refunded on the paid order."""

    TYPE: ClassVar[str] = "clinic.pricing.price-match-refund-approved.v1"

    report_id: str
    order_id: str
    # The total to refund on the order, in minor units (per-unit difference x discounted units).
    amount: int
    currency: str


class DiscountRedeemed(_PriceMatchEvent):
    TYPE: ClassVar[str] = "clinic.pricing.discount-redeemed.v1"

    discount_id: str
    order_id: str


class DiscountExpired(_PriceMatchEvent):
    TYPE: ClassVar[str] = "clinic.pricing.discount-expired.v1"

    discount_id: str


class DiscountRevoked(_PriceMatchEvent):
    TYPE: ClassVar[str] = "clinic.pricing.discount-revoked.v1"

    discount_id: str
    reason: str
