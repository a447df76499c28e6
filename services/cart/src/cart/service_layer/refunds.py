"""A price match reported after purchase and approved by pricing: the difference goes back on the order's
PaymentIntent through Stripe (idempotency key from the report id), then OrderRefunded(reason=price_match)."""

from __future__ import annotations

import logging

from cart.adapters.orders import OrderRepository
from cart.adapters.payments import PaymentGateway
from cart.domain.order import OrderStatus
from cart.metrics import REFUNDS
from clinic_shared.events.base import utcnow
from clinic_shared.events.pricing import PriceMatchRefundApproved
from clinic_shared.outbox.writer import Tx

log = logging.getLogger("cart.refunds")


async def price_match_refund(tx: Tx, payments: PaymentGateway, e: PriceMatchRefundApproved) -> str:
    """Answers refunded, or why not (unknown_order, not_paid, other_customer, currency, nothing_left).

    The Stripe call is made inside the consumer's transaction: if it fails the handler raises, the event
    is retried (then dead-lettered), and the same idempotency key makes the retry answer the same refund.
    """
    orders = OrderRepository(tx.session)
    order = await orders.get(e.order_id, lock=True)
    if order is None:
        log.warning("price-match refund for an unknown order", extra={"order_id": e.order_id})
        return "unknown_order"
    if order.customer_id != e.customer_id:
        log.warning("price-match refund for another customer's order", extra={"order_id": e.order_id})
        return "other_customer"
    if order.status is not OrderStatus.paid or order.payment_intent_id is None:
        log.warning("price-match refund for an order that is not paid", extra={"order_id": e.order_id})
        return "not_paid"
    if e.currency.upper() != order.currency.upper():
        log.warning("price-match refund in another currency", extra={"order_id": e.order_id})
        return "currency"
    key = f"price-match-{e.report_id}"
    if await orders.refund_made(key):
        return "duplicate"  # this report was refunded already (another copy of the approval)
    amount = min(e.amount, order.total - order.amount_refunded)
    if amount <= 0:
        return "nothing_left"
    refund = await payments.refund(payment_intent_id=order.payment_intent_id, amount=amount, idempotency_key=key,
                                   metadata={"order_id": order.id, "report_id": e.report_id, "reason": "price_match"})
    now = utcnow()
    order.record_refund(order.amount_refunded + amount, now)
    await orders.save_state(order)
    await orders.add_refund(idempotency_key=key, order=order, amount=amount, reason="price_match",
                            report_id=e.report_id, stripe_refund_id=refund.id, now=now)
    tx.track(order).record_refunded(amount, "price_match", full=order.fully_refunded, report_id=e.report_id)
    REFUNDS.labels(reason="price_match").inc()
    return "refunded"
