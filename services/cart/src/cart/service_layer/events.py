"""The order events (cart.order.v1) made from an order."""

from __future__ import annotations

from cart.domain.order import Order, OrderStatus
from clinic_shared.events.cart import (
    OrderClaimed,
    OrderPaid,
    OrderPaymentFailed,
    OrderPaymentMismatched,
    OrderPlaced,
    OrderRefunded,
)
from clinic_shared.events.cart import OrderLine as OrderLineEvent


def _lines(order: Order) -> list[OrderLineEvent]:
    return [OrderLineEvent(sku=ln.sku, quantity=ln.quantity, unit_price=ln.unit_price, discount_id=ln.discount_id,
                           discount_per_unit=ln.discount_per_unit, line_total=ln.line_total) for ln in order.lines]


def order_placed(order: Order) -> OrderPlaced:
    return OrderPlaced(order_id=order.id, customer_id=order.customer_id, region=order.region, lines=_lines(order),
                       total=order.total, currency=order.currency)


def order_paid(order: Order) -> OrderPaid:
    assert order.payment_intent_id is not None
    # placed_at: pricing redeems a discount that was valid when the order was placed, however late Stripe pays.
    return OrderPaid(order_id=order.id, customer_id=order.customer_id, payment_intent_id=order.payment_intent_id,
                     region=order.region, lines=_lines(order), total=order.total, currency=order.currency,
                     placed_at=order.created_at)


def order_payment_failed(order: Order) -> OrderPaymentFailed:
    assert order.payment_intent_id is not None
    return OrderPaymentFailed(order_id=order.id, customer_id=order.customer_id,
                              payment_intent_id=order.payment_intent_id, reason=order.failure_reason or "failed")


def order_payment_mismatched(order: Order, expected: int, received: int, currency: str) -> OrderPaymentMismatched:
    assert order.payment_intent_id is not None
    return OrderPaymentMismatched(order_id=order.id, customer_id=order.customer_id,
                                  payment_intent_id=order.payment_intent_id, expected_amount=expected,
                                  received_amount=received, currency=currency)


def order_refunded(order: Order, amount: int, reason: str, *, full: bool, report_id: str | None = None,
                   currency: str | None = None) -> OrderRefunded:
    assert order.payment_intent_id is not None
    return OrderRefunded(order_id=order.id, customer_id=order.customer_id, payment_intent_id=order.payment_intent_id,
                         amount_refunded=amount, currency=currency or order.currency,
                         full=full, reason=reason,
                         report_id=report_id, lines=_lines(order))


def order_claimed(order: Order) -> OrderClaimed:
    return OrderClaimed(order_id=order.id, customer_id=order.customer_id, lines=_lines(order),
                        paid=order.status is OrderStatus.paid)
