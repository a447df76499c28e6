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

    lines: list[OrderLine]
    total: int
    currency: str


class OrderPaid(_OrderEvent):
    TYPE: ClassVar[str] = "clinic.cart.order-paid.v1"

    payment_intent_id: str
    # When the order was placed: a discount valid then is redeemed even if the payment lands later.
    placed_at: datetime | None = None
    lines: list[OrderLine]
    total: int
    currency: str


class OrderPaymentFailed(_OrderEvent):
    TYPE: ClassVar[str] = "clinic.cart.order-payment-failed.v1"

    payment_intent_id: str
    reason: str
