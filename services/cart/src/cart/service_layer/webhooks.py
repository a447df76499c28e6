"""Stripe's webhook events, applied exactly once.

The event id is claimed in the inbox table (consumer `cart.stripe-webhook`) in the same transaction as
the effect: a retried delivery finds its id there and changes nothing, and two racing deliveries of one
event wait for each other on the inbox row. The order's row lock and its state rule (a paid order stays
paid) guard against two different events about one payment.

A refund the cart asks Stripe for (a payment that does not match its order) is made inside that
transaction with an idempotency key derived from the order and PaymentIntent: if Stripe does not answer,
the transaction (and the inbox claim) rolls back, the webhook answers 503 and Stripe's retry makes the same
refund, never a second one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from cart.adapters.orders import OrderRepository
from cart.adapters.payments import PaymentGateway, PaymentProviderError
from cart.adapters.read_models import ReadModels
from cart.domain.order import Order
from cart.metrics import PAYMENT_MISMATCH, REFUNDS
from cart.service_layer.pricing import hold_ttl
from cart.settings import CartRuntime
from clinic_shared.application_errors import Unavailable
from clinic_shared.events.base import utcnow
from clinic_shared.messaging.inbox import claim
from clinic_shared.runtime import Tx

log = logging.getLogger("cart.webhooks")
INBOX_CONSUMER = "cart.stripe-webhook"
SUCCEEDED, FAILED = "payment_intent.succeeded", "payment_intent.payment_failed"
CANCELED, REFUNDED = "payment_intent.canceled", "charge.refunded"
HANDLED = (SUCCEEDED, FAILED, CANCELED, REFUNDED)


@dataclass(frozen=True)
class PaymentEvent:
    """The parts of a Stripe `payment_intent.*` or `charge.refunded` event the cart uses."""

    id: str
    type: str
    payment_intent_id: str | None
    order_id: str | None
    amount: int | None
    currency: str | None
    failure: str | None
    amount_refunded: int | None = None

    @classmethod
    def from_stripe(cls, event: dict[str, Any]) -> PaymentEvent:
        obj = (event.get("data") or {}).get("object") or {}
        kind = obj.get("object")
        error = obj.get("last_payment_error") or {}
        failure = ": ".join(str(p) for p in (error.get("code"), error.get("message")) if p) or None
        if kind == "payment_intent":
            intent = obj.get("id")
        elif kind == "charge":
            intent = obj.get("payment_intent")
            intent = intent.get("id") if isinstance(intent, dict) else intent
        else:
            intent = None
        order_id = (obj.get("metadata") or {}).get("order_id") if intent else None
        amount, refunded = obj.get("amount"), obj.get("amount_refunded")
        return cls(
            id=str(event["id"])[:64], type=str(event.get("type", ""))[:200],
            payment_intent_id=str(intent)[:255] if intent else None,
            order_id=str(order_id)[:64] if order_id else None,
            amount=amount if isinstance(amount, int) else None, currency=str(obj.get("currency") or ""),
            failure=failure[:300] if failure else None,
            amount_refunded=refunded if isinstance(refunded, int) and kind == "charge" else None,
        )


async def apply_payment_event(runtime: CartRuntime, event: PaymentEvent, payments: PaymentGateway) -> str:
    """Answers what happened: paid, payment_failed, canceled, refunded, payment_mismatch, duplicate, ignored,
    unchanged, unknown_order."""
    mismatch_reason: str | None = None
    async with runtime.transaction() as tx:
        if not await claim(tx.session, INBOX_CONSUMER, event.id, event.type):
            return "duplicate"
        if event.type not in HANDLED or not event.payment_intent_id:
            return "ignored"
        orders = OrderRepository(tx.session)
        if event.order_id:
            order = await orders.get(event.order_id, lock=True)
        else:  # a charge's metadata is not always the PaymentIntent's: find the order by its PaymentIntent
            order = await orders.by_payment_intent(event.payment_intent_id, lock=True)
        if order is None:
            log.warning("stripe event for an unknown order", extra={"stripe_event": event.id})
            return "unknown_order"
        now, models = utcnow(), ReadModels(tx.session)
        if event.type == REFUNDED:
            outcome = await _refunded(tx, order, event)
        elif event.type == SUCCEEDED:
            outcome, mismatch_reason = await _succeeded(tx, order, event, payments, runtime)
        elif event.type == FAILED:
            if not order.mark_failed(event.payment_intent_id, event.failure or "payment_failed", now):
                return "unchanged"
            await orders.save_state(order)
            await models.release(order.discount_ids, order.id, now)
            tx.track(order).record_payment_failed()
            outcome = "payment_failed"
        else:
            if not order.matches_payment(event.payment_intent_id) or not order.cancel("payment canceled", now):
                return "unchanged"
            await orders.save_state(order)
            await models.release(order.discount_ids, order.id, now)
            if order.payment_intent_id:
                tx.track(order).record_payment_failed()
            outcome = "canceled"
    if mismatch_reason:
        PAYMENT_MISMATCH.labels(reason=mismatch_reason).inc()
        REFUNDS.labels(reason="amount_mismatch").inc()
    elif outcome == "refunded":
        REFUNDS.labels(reason="charge_refunded").inc()
    return outcome


async def _succeeded(tx: Tx, order: Order, event: PaymentEvent, payments: PaymentGateway,
                     runtime: CartRuntime) -> tuple[str, str | None]:
    assert event.payment_intent_id is not None
    now, orders, models = utcnow(), OrderRepository(tx.session), ReadModels(tx.session)
    if not order.matches_payment(event.payment_intent_id):
        return "unchanged", None
    received, currency = event.amount or 0, (event.currency or "").upper()
    expected, reason = order.total, None
    if event.amount != order.total or currency != order.currency.upper():
        reason = "amount" if currency == order.currency.upper() else "currency"
    elif not await models.redeem_for(order.discount_ids, order.id, now, now - hold_ttl(runtime)):
        # Paid at the discounted price, but the discount is no longer this order's (revoked, or taken by
        # another order after this one's hold lapsed): the payment no longer matches the order.
        reason, expected = "discount_unavailable", order.subtotal
    if reason is None:
        if not order.mark_paid(event.payment_intent_id, now):
            return "unchanged", None
        await orders.save_state(order)
        tx.track(order).record_paid()
        return "paid", None
    if not order.mark_mismatched(event.payment_intent_id, f"payment mismatch ({reason}): expected {expected} "
                                 f"{order.currency}, received {received} {currency}", now):
        return "unchanged", None
    log.error("paid amount differs from the order", extra={"order_id": order.id, "stripe_event": event.id})
    await models.release(order.discount_ids, order.id, now)
    await orders.save_state(order)
    tx.track(order).record_payment_mismatched(expected, received, currency or order.currency)
    key = f"mismatch-{order.id}-{event.payment_intent_id}"
    if received > 0 and not await orders.refund_made(key):
        try:
            refund = await payments.refund(payment_intent_id=event.payment_intent_id, amount=received,
                                           idempotency_key=key,
                                           metadata={"order_id": order.id, "reason": "amount_mismatch"})
        except PaymentProviderError as exc:
            raise Unavailable("The refund of a mismatched payment could not be made; Stripe will retry this event.",
                              title="Payment provider unavailable", order_id=order.id) from exc
        order.record_refund(received, now)
        await orders.save_state(order)
        await orders.add_refund(idempotency_key=key, order=order, amount=received, reason="amount_mismatch",
                                report_id=None, stripe_refund_id=refund.id, now=now)
        tx.track(order).record_refunded(received, "amount_mismatch", full=True, currency=currency or order.currency)
    return "payment_mismatch", reason


async def _refunded(tx: Tx, order: Order, event: PaymentEvent) -> str:
    """charge.refunded carries the charge's refunded amount in all: only the part not yet recorded is new
    (a refund the cart made itself was recorded when it made it)."""
    if event.amount_refunded is None or not order.matches_payment(event.payment_intent_id or ""):
        return "ignored"
    new = order.record_refund(event.amount_refunded, utcnow())
    if not new:
        return "unchanged"
    await OrderRepository(tx.session).save_state(order)
    tx.track(order).record_refunded(new, "charge_refunded", full=order.fully_refunded)
    return "refunded"
