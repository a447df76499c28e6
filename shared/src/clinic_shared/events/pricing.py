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
