"""The order events (cart.order.v1) made from an order."""

from __future__ import annotations

from cart.domain.order import Order
from clinic_shared.events.cart import OrderLine as OrderLineEvent
from clinic_shared.events.cart import OrderPaid, OrderPaymentFailed, OrderPlaced


def _lines(order: Order) -> list[OrderLineEvent]:
    return [OrderLineEvent(sku=ln.sku, quantity=ln.quantity, unit_price=ln.unit_price, discount_id=ln.discount_id,
                           discount_per_unit=ln.discount_per_unit, line_total=ln.line_total) for ln in order.lines]


def order_placed(order: Order) -> OrderPlaced:
    return OrderPlaced(order_id=order.id, customer_id=order.customer_id, lines=_lines(order), total=order.total,
                       currency=order.currency)


def order_paid(order: Order) -> OrderPaid:
    assert order.payment_intent_id is not None
    # placed_at: pricing redeems a discount that was valid when the order was placed, however late Stripe pays.
    return OrderPaid(order_id=order.id, customer_id=order.customer_id, payment_intent_id=order.payment_intent_id,
                     lines=_lines(order), total=order.total, currency=order.currency, placed_at=order.created_at)


def order_payment_failed(order: Order) -> OrderPaymentFailed:
    assert order.payment_intent_id is not None
    return OrderPaymentFailed(order_id=order.id, customer_id=order.customer_id,
                              payment_intent_id=order.payment_intent_id, reason=order.failure_reason or "failed")
