"""Events of cart and checkout: orders (topic cart.order.v1, key order id). No card data, ever."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel

from clinic_shared.events.base import Event
from clinic_shared.events.topics import CART_ORDER


class OrderLine(BaseModel):
    sku: str
    quantity: int
    unit_price: int
    discount_id: str | None = None
    discount_per_unit: int = 0
    line_total: int


class _OrderEvent(Event):
    TOPIC: ClassVar[str] = CART_ORDER
    KEY_FIELD: ClassVar[str] = "order_id"

    order_id: str
    customer_id: str | None


class OrderPlaced(_OrderEvent):
    TYPE: ClassVar[str] = "clinic.cart.order-placed.v1"

    region: str | None = None
    lines: list[OrderLine]
    total: int
    currency: str


class OrderPaid(_OrderEvent):
    TYPE: ClassVar[str] = "clinic.cart.order-paid.v1"

    payment_intent_id: str
    # The US state the order is delivered in (optional for events written before it existed).
    region: str | None = None
    # When the order was placed: a discount valid then is redeemed even if the payment lands later.
    placed_at: datetime | None = None
    lines: list[OrderLine]
    total: int
    currency: str


class OrderPaymentFailed(_OrderEvent):
    TYPE: ClassVar[str] = "clinic.cart.order-payment-failed.v1"

    payment_intent_id: str
    reason: str


class OrderRefunded(_OrderEvent):
    """Money went back to the customer on a paid order: all of it (`full`) or a part (a price match after
    purchase, a payment-amount mismatch). A full refund releases what the order redeemed."""

    TYPE: ClassVar[str] = "clinic.cart.order-refunded.v1"

    payment_intent_id: str
    amount_refunded: int
    currency: str
    full: bool
    # charge_refunded | price_match | amount_mismatch
    reason: str
    # The price-match report a price-match refund answers (so pricing can match it), else None.
    report_id: str | None = None
    lines: list[OrderLine]


class OrderPaymentMismatched(_OrderEvent):
    """Stripe reported a successful payment whose amount or currency is not the order's: the order is held."""

    TYPE: ClassVar[str] = "clinic.cart.order-payment-mismatched.v1"

    payment_intent_id: str
    expected_amount: int
    received_amount: int
    currency: str


class OrderClaimed(_OrderEvent):
    """An order placed signed out (by cart token) now belongs to the customer who signed in with that token."""

    TYPE: ClassVar[str] = "clinic.cart.order-claimed.v1"

    lines: list[OrderLine]
    paid: bool
