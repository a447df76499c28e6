"""pricing.price-match.v1 PriceMatchRefundApproved -> a Stripe refund on the order, then OrderRefunded.

Its own subscription (consumer group), so that a Stripe outage delays refunds without holding up the
discounts read model."""

from __future__ import annotations

from cart.adapters.payments import PaymentGateway
from cart.service_layer import refunds
from clinic_shared.events.base import Event
from clinic_shared.events.pricing import PriceMatchRefundApproved
from clinic_shared.messaging.consumer import MessageContext, Subscription


def subscription_for(payments: PaymentGateway) -> Subscription:
    async def on_refund_approved(ctx: MessageContext, event: Event) -> None:
        assert isinstance(event, PriceMatchRefundApproved)
        await refunds.price_match_refund(ctx.session, ctx.publish, payments, event)

    return Subscription("price-match-refunds", {PriceMatchRefundApproved: on_refund_approved})
