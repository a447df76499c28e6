"""Domain events an order records; `service_layer/contracts.py` maps them onto cart.order.v1.

Each carries the order as it was when the event was recorded (a copy: the order may change again in
the same use case, a mismatched payment is refunded right after, and the event must not see it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cart.domain.order import Order


@dataclass(frozen=True)
class OrderPlaced:
    order: Order


@dataclass(frozen=True)
class OrderClaimed:
    """An anonymous order got its customer (the cart was claimed on sign-in)."""

    order: Order


@dataclass(frozen=True)
class OrderPaid:
    order: Order


@dataclass(frozen=True)
class OrderPaymentFailed:
    """The payment failed or was canceled, or the order expired unpaid."""

    order: Order


@dataclass(frozen=True)
class OrderPaymentMismatched:
    order: Order
    expected: int
    received: int
    currency: str


@dataclass(frozen=True)
class OrderRefunded:
    order: Order
    amount: int
    reason: str
    full: bool
    report_id: str | None = None
    currency: str | None = None


OrderEvent = OrderPlaced | OrderClaimed | OrderPaid | OrderPaymentFailed | OrderPaymentMismatched | OrderRefunded
