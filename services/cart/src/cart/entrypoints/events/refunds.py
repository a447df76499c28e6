"""pricing.price-match.v1 PriceMatchRefundApproved -> a Stripe refund on the order, then OrderRefunded.

Its own subscription (consumer group), so that a Stripe outage delays refunds without holding up the
discounts read model."""

from __future__ import annotations

from cart.adapters.payments import PaymentGateway
from cart.service_layer import refunds
from clinic_shared.events.pricing import (
    DiscountExpired,
    DiscountGranted,
    DiscountGrantedV2,
    DiscountRedeemed,
    DiscountReinstated,
    DiscountRevoked,
    PriceMatchApproved,
    PriceMatchEscalated,
    PriceMatchRefundApproved,
    PriceMatchRejected,
    PriceMatchRequested,
)
from clinic_shared.messaging.consumer import MessageContext, Subscription


def subscription_for(payments: PaymentGateway) -> Subscription:
    # Everything else on the topic is the discounts subscription's (discounts.py).
    price_match_refunds = Subscription("price-match-refunds", ignore=[
        PriceMatchRequested, PriceMatchApproved, PriceMatchRejected, PriceMatchEscalated,
        DiscountGranted, DiscountGrantedV2, DiscountRedeemed, DiscountExpired, DiscountRevoked, DiscountReinstated,
    ])

    @price_match_refunds.handler
    async def on_refund_approved(ctx: MessageContext, event: PriceMatchRefundApproved) -> None:
        await refunds.price_match_refund(ctx.session, ctx.publish, payments, event)

    return price_match_refunds
