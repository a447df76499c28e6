"""Stripe's webhook events, applied exactly once.

The event id is claimed in the inbox table (consumer `cart.stripe-webhook`) in the same transaction as
the effect: a retried delivery finds its id there and changes nothing, and two racing deliveries of one
event wait for each other on the inbox row. The order's row lock and its state rule (a paid order stays
paid) guard against two different events about one payment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from cart.adapters.orders import OrderRepository
from cart.adapters.read_models import ReadModels
from cart.service_layer.events import order_paid, order_payment_failed
from clinic_shared.events.base import utcnow
from clinic_shared.messaging.inbox import claim
from clinic_shared.runtime import ServiceRuntime

log = logging.getLogger("cart.webhooks")
INBOX_CONSUMER = "cart.stripe-webhook"
SUCCEEDED, FAILED = "payment_intent.succeeded", "payment_intent.payment_failed"


@dataclass(frozen=True)
class PaymentEvent:
    """The parts of a Stripe `payment_intent.*` event the cart uses."""

    id: str
    type: str
    payment_intent_id: str | None
    order_id: str | None
    amount: int | None
    currency: str | None
    failure: str | None

    @classmethod
    def from_stripe(cls, event: dict[str, Any]) -> PaymentEvent:
        obj = (event.get("data") or {}).get("object") or {}
        is_intent = obj.get("object") == "payment_intent"
        error = obj.get("last_payment_error") or {}
        failure = ": ".join(str(p) for p in (error.get("code"), error.get("message")) if p) or None
        order_id = (obj.get("metadata") or {}).get("order_id") if is_intent else None
        amount = obj.get("amount")
        return cls(
            id=str(event["id"])[:64], type=str(event.get("type", ""))[:200],
            payment_intent_id=str(obj["id"]) if is_intent and obj.get("id") else None,
            order_id=str(order_id)[:64] if order_id else None,
            amount=amount if isinstance(amount, int) else None, currency=str(obj.get("currency") or ""),
            failure=failure[:300] if failure else None,
        )


async def apply_payment_event(runtime: ServiceRuntime, event: PaymentEvent) -> str:
    """Answers what happened: paid, payment_failed, duplicate, ignored, unchanged, unknown_order, mismatch."""
    async with runtime.transaction() as tx:
        if not await claim(tx.session, INBOX_CONSUMER, event.id, event.type):
            return "duplicate"
        if event.type not in (SUCCEEDED, FAILED) or not event.order_id or not event.payment_intent_id:
            return "ignored"
        orders = OrderRepository(tx.session)
        order = await orders.get(event.order_id, lock=True)
        if order is None:
            log.warning("stripe event for an unknown order", extra={"stripe_event": event.id})
            return "unknown_order"
        now = utcnow()
        if event.type == SUCCEEDED:
            if event.amount != order.total or (event.currency or "").upper() != order.currency.upper():
                log.error("paid amount differs from the order", extra={"order_id": order.id, "stripe_event": event.id})
                return "mismatch"
            if not order.mark_paid(event.payment_intent_id, now):
                return "unchanged"
            await orders.save_state(order)
            await ReadModels(tx.session).redeem_locally(order.discount_ids, now)
            await tx.publish(order_paid(order))
            return "paid"
        if not order.mark_failed(event.payment_intent_id, event.failure or "payment_failed", now):
            return "unchanged"
        await orders.save_state(order)
        await tx.publish(order_payment_failed(order))
        return "payment_failed"
