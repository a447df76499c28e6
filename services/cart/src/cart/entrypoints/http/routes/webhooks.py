"""Stripe's webhook: the signature is checked on the raw body before anything is read from it."""

from __future__ import annotations

import logging
from typing import Annotated

import stripe
from fastapi import APIRouter, Header, Request

from cart.entrypoints.http.deps import PaymentsDep, RuntimeDep, SettingsDep
from cart.entrypoints.http.schemas import WebhookAck
from cart.service_layer.webhooks import PaymentEvent, apply_payment_event
from clinic_shared.errors import Problem, problem_responses

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
log = logging.getLogger("cart.webhooks")
MAX_BODY = 512 * 1024


@router.post(
    "/stripe", response_model=WebhookAck, responses=problem_responses(400, 413, 422, 503),
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}},
)
async def stripe_webhook(
    request: Request, runtime: RuntimeDep, settings: SettingsDep, payments: PaymentsDep,
    stripe_signature: Annotated[str | None, Header(alias="Stripe-Signature", max_length=4096)] = None,
) -> WebhookAck:
    """`payment_intent.succeeded` marks the order paid (OrderPaid) and redeems its discounts; one whose amount or
    currency is not the order's holds it as `payment_mismatch` and refunds it through Stripe
    (OrderPaymentMismatched, OrderRefunded). `payment_intent.payment_failed` and `payment_intent.canceled`
    release the order's discounts (OrderPaymentFailed); `charge.refunded` records a refund (OrderRefunded).
    Each is applied exactly once however often Stripe delivers the event (deduplicated by its id).
    A missing or bad signature, or a timestamp older than the tolerance, is 400 and changes nothing."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise Problem(413, "Payload Too Large", "A Stripe event is never this large.")
    if not stripe_signature:
        raise Problem(400, "Bad signature", "The Stripe-Signature header is missing.")
    try:
        event = stripe.Webhook.construct_event(body, stripe_signature, settings.stripe_webhook_secret,
                                               tolerance=settings.stripe_webhook_tolerance_seconds)
    except stripe.SignatureVerificationError as exc:
        raise Problem(400, "Bad signature", f"The Stripe signature does not verify: {exc.user_message}") from exc
    except (ValueError, TypeError, AttributeError) as exc:  # signed, yet not a JSON event
        raise Problem(400, "Bad payload", "The body is not a Stripe event.") from exc
    try:
        payment = PaymentEvent.from_stripe(event.to_dict())
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise Problem(400, "Bad payload", "The body is not a Stripe event.") from exc
    outcome = await apply_payment_event(runtime, payment, payments)
    log.info("stripe event", extra={"stripe_event": payment.id, "type": payment.type, "outcome": outcome})
    return WebhookAck(received=True, outcome=outcome)
