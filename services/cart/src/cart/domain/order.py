"""An order: the snapshot of a cart at checkout (lines, discounts, totals) and its payment state."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from cart.domain import events as order_events
from cart.domain.pricing import PricedCart


class OrderStatus(StrEnum):
    awaiting_payment = "awaiting_payment"
    paid = "paid"
    payment_failed = "payment_failed"  # the customer may pay again with the same PaymentIntent
    canceled = "canceled"  # the PaymentIntent was canceled, or the order expired unpaid
    payment_mismatch = "payment_mismatch"  # Stripe took an amount that is not the order's: held and refunded
    refunded = "refunded"  # all of the payment went back to the customer


AWAITING = (OrderStatus.awaiting_payment, OrderStatus.payment_failed)


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
    discounted_units: int = 0


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
    amount_refunded: int = 0
    # What this order records for downstream (not stored).
    events: list[order_events.OrderEvent] = field(default_factory=list, init=False, repr=False, compare=False)

    def record_placed(self) -> None:
        self.events.append(order_events.OrderPlaced(self._copy()))

    def record_claimed(self) -> None:
        self.events.append(order_events.OrderClaimed(self._copy()))

    def record_paid(self) -> None:
        self.events.append(order_events.OrderPaid(self._copy()))

    def record_payment_failed(self) -> None:
        self.events.append(order_events.OrderPaymentFailed(self._copy()))

    def record_payment_mismatched(self, expected: int, received: int, currency: str) -> None:
        self.events.append(order_events.OrderPaymentMismatched(self._copy(), expected, received, currency))

    def record_refunded(self, amount: int, reason: str, *, full: bool, report_id: str | None = None,
                        currency: str | None = None) -> None:
        """The event of a refund of `amount` (`record_refund` books the refunded total)."""
        self.events.append(order_events.OrderRefunded(self._copy(), amount, reason, full, report_id, currency))

    def _copy(self) -> Order:
        kept = copy.deepcopy(self)
        kept.events.clear()
        return kept

    @classmethod
    def place(cls, order_id: str, priced: PricedCart, region: str, now: datetime) -> Order:
        lines = [
            OrderLine(sku=p.line.sku, product_id=p.product.product_id if p.product else "",
                      name=p.product.name if p.product else p.line.sku,
                      category=p.product.category if p.product else "", quantity=p.line.quantity,
                      unit_price_seen=p.line.unit_price_seen, unit_price=p.unit_price, discount_id=p.discount_id,
                      discount_per_unit=p.discount, line_total=p.line_total, discounted_units=p.discounted_units)
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
        if self.status not in (*AWAITING, OrderStatus.canceled) or not self.matches_payment(payment_intent_id):
            return False
        self.status, self.payment_intent_id = OrderStatus.paid, payment_intent_id
        self.paid_at = self.updated_at = now
        self.failure_reason = None
        return True

    def mark_mismatched(self, payment_intent_id: str, reason: str, now: datetime) -> bool:
        """A payment that is not this order's amount: held (never paid), to be refunded."""
        if self.status in (OrderStatus.paid, OrderStatus.payment_mismatch, OrderStatus.refunded):
            return False
        self.status, self.payment_intent_id, self.failure_reason = (OrderStatus.payment_mismatch, payment_intent_id,
                                                                    reason)
        self.updated_at = now
        return True

    def cancel(self, reason: str, now: datetime) -> bool:
        if self.status not in AWAITING:
            return False
        self.status, self.failure_reason, self.updated_at = OrderStatus.canceled, reason, now
        return True

    def record_refund(self, amount_refunded_total: int, now: datetime) -> int:
        """Stripe says `amount_refunded_total` of the payment went back in all; answers the new part (0: known)."""
        new = amount_refunded_total - self.amount_refunded
        if new <= 0:
            return 0
        self.amount_refunded = amount_refunded_total
        if self.status is OrderStatus.paid and self.amount_refunded >= self.total:
            self.status = OrderStatus.refunded
        self.updated_at = now
        return new

    @property
    def fully_refunded(self) -> bool:
        return self.amount_refunded >= self.total

    def mark_failed(self, payment_intent_id: str, reason: str, now: datetime) -> bool:
        """True when this made the order failed; only an order awaiting payment can fail."""
        if self.status is not OrderStatus.awaiting_payment or not self.matches_payment(payment_intent_id):
            return False
        self.status, self.payment_intent_id, self.failure_reason = OrderStatus.payment_failed, payment_intent_id, reason
        self.updated_at = now
        return True
