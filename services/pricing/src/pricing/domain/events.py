"""Domain events: what happened, in the past tense, recorded by the aggregates.

Plain values; the service layer maps them to the versioned contracts in ``shared`` and hands them
to the outbox in the same transaction as the state change. They carry no proof URLs or other
details a consumer does not need.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Event:
    """Base of the pricing domain's events."""


@dataclass(frozen=True, slots=True)
class PriceChanged(Event):
    """A SKU's price was set to a new one (a price row, not an aggregate: recorded on the transaction)."""

    sku: str
    unit_price: int
    currency: str
    version: int
    previous_unit_price: int | None
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class PriceMatchRequested(Event):
    report_id: str
    customer_id: str
    sku: str
    competitor_id: str
    received_at: datetime
    competitor_price: int  # minor units, in `currency`
    currency: str
    region: str


@dataclass(frozen=True, slots=True)
class PriceMatchApproved(Event):
    report_id: str
    customer_id: str
    sku: str
    competitor_id: str
    discount_id: str | None  # None: an after-purchase match, refunded instead
    reasons: tuple[str, ...]
    decided_by: str
    decided_at: datetime
    received_at: datetime


@dataclass(frozen=True, slots=True)
class PriceMatchRejected(Event):
    report_id: str
    customer_id: str
    sku: str
    competitor_id: str
    reasons: tuple[str, ...]
    codes: tuple[str, ...]
    decided_by: str
    decided_at: datetime
    received_at: datetime


@dataclass(frozen=True, slots=True)
class PriceMatchEscalated(Event):
    report_id: str
    customer_id: str
    sku: str
    competitor_id: str
    reasons: tuple[str, ...]
    codes: tuple[str, ...]
    escalated_at: datetime
    received_at: datetime


@dataclass(frozen=True, slots=True)
class DiscountGranted(Event):
    discount_id: str
    customer_id: str
    sku: str
    report_id: str
    amount_off: int
    final_unit_price: int
    currency: str
    expires_at: datetime
    granted_at: datetime
    percent_off: int
    our_unit_price: int
    competitor_unit_price: int
    region: str
    max_units: int


@dataclass(frozen=True, slots=True)
class DiscountReinstated(Event):
    """The order that redeemed the discount was refunded in full before the expiry: usable again."""

    discount_id: str
    customer_id: str
    sku: str
    order_id: str
    expires_at: datetime
    reinstated_at: datetime


@dataclass(frozen=True, slots=True)
class PriceMatchRefundApproved(Event):
    """A report made after a purchase was approved: the difference goes back on the paid order."""

    report_id: str
    customer_id: str
    sku: str
    order_id: str
    amount: int
    currency: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class DiscountRedeemed(Event):
    discount_id: str
    customer_id: str
    sku: str
    order_id: str
    redeemed_at: datetime


@dataclass(frozen=True, slots=True)
class DiscountExpired(Event):
    discount_id: str
    customer_id: str
    sku: str
    expired_at: datetime


@dataclass(frozen=True, slots=True)
class DiscountRevoked(Event):
    discount_id: str
    customer_id: str
    sku: str
    reason: str
    revoked_at: datetime
