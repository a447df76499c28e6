"""The cart's event mapper: each domain event an order records, the cart.order.v1 contract it is
published as, declared once per type (the cart's events have never carried a CloudEvent subject).
Registered in `bootstrap.py`; use cases track the order (`tx.track(order).record_paid()`) and the
transaction maps and stages its events at its end (clinic_shared.outbox.mapper)."""

from __future__ import annotations

from cart.domain import events as domain
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
from clinic_shared.outbox.mapper import EventMapper

contracts = EventMapper("cart")


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


@contracts.maps(domain.OrderPlaced, subject=None)
def _placed(e: domain.OrderPlaced) -> OrderPlaced:
    return order_placed(e.order)


@contracts.maps(domain.OrderClaimed, subject=None)
def _claimed(e: domain.OrderClaimed) -> OrderClaimed:
    return order_claimed(e.order)


@contracts.maps(domain.OrderPaid, subject=None)
def _paid(e: domain.OrderPaid) -> OrderPaid:
    return order_paid(e.order)


@contracts.maps(domain.OrderPaymentFailed, subject=None)
def _payment_failed(e: domain.OrderPaymentFailed) -> OrderPaymentFailed:
    return order_payment_failed(e.order)


@contracts.maps(domain.OrderPaymentMismatched, subject=None)
def _payment_mismatched(e: domain.OrderPaymentMismatched) -> OrderPaymentMismatched:
    return order_payment_mismatched(e.order, e.expected, e.received, e.currency)


@contracts.maps(domain.OrderRefunded, subject=None)
def _refunded(e: domain.OrderRefunded) -> OrderRefunded:
    return order_refunded(e.order, e.amount, e.reason, full=e.full, report_id=e.report_id, currency=e.currency)
