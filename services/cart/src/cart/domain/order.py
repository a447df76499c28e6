"""An order: the snapshot of a cart at checkout (lines, discounts, totals) and its payment state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from cart.domain.pricing import PricedCart


class OrderStatus(StrEnum):
    awaiting_payment = "awaiting_payment"
    paid = "paid"
    payment_failed = "payment_failed"  # the customer may pay again with the same PaymentIntent


@dataclass(frozen=True)
class OrderLine:
    sku: str
    product_id: str
    name: str
    category: str
    quantity: int
    unit_price_seen: int
    unit_price: int
    discount_id: str | None
    discount_per_unit: int
    line_total: int


@dataclass
class Order:
    id: str
    cart_id: str
    customer_id: str | None
    region: str
    status: OrderStatus
    lines: list[OrderLine]
    subtotal: int
    discount_total: int
    total: int
    currency: str
    created_at: datetime
    updated_at: datetime
    payment_intent_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    paid_at: datetime | None = None
    failure_reason: str | None = None

    @classmethod
    def place(cls, order_id: str, priced: PricedCart, region: str, now: datetime) -> Order:
        lines = [
            OrderLine(sku=p.line.sku, product_id=p.product.product_id if p.product else "",
                      name=p.product.name if p.product else p.line.sku,
                      category=p.product.category if p.product else "", quantity=p.line.quantity,
                      unit_price_seen=p.line.unit_price_seen, unit_price=p.unit_price, discount_id=p.discount_id,
                      discount_per_unit=p.discount, line_total=p.line_total)
            for p in priced.lines
        ]
        return cls(id=order_id, cart_id=priced.cart.id, customer_id=priced.cart.customer_id, region=region,
                   status=OrderStatus.awaiting_payment, lines=lines, subtotal=priced.subtotal,
                   discount_total=priced.discount_total, total=priced.total, currency=priced.currency,
                   created_at=now, updated_at=now)

    @property
    def discount_ids(self) -> list[str]:
        return sorted({line.discount_id for line in self.lines if line.discount_id})

    def matches_payment(self, payment_intent_id: str) -> bool:
        return self.payment_intent_id is None or self.payment_intent_id == payment_intent_id

    def mark_paid(self, payment_intent_id: str, now: datetime) -> bool:
        """True when this made the order paid; paying a paid order (a retried webhook) changes nothing."""
        if self.status is OrderStatus.paid or not self.matches_payment(payment_intent_id):
            return False
        self.status, self.payment_intent_id = OrderStatus.paid, payment_intent_id
        self.paid_at = self.updated_at = now
        self.failure_reason = None
        return True

    def mark_failed(self, payment_intent_id: str, reason: str, now: datetime) -> bool:
        """True when this made the order failed; only an order awaiting payment can fail."""
        if self.status is not OrderStatus.awaiting_payment or not self.matches_payment(payment_intent_id):
            return False
        self.status, self.payment_intent_id, self.failure_reason = OrderStatus.payment_failed, payment_intent_id, reason
        self.updated_at = now
        return True
