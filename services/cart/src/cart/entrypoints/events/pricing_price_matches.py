"""pricing.price-match.v1, read by two subscriptions (two consumer groups) that split the topic's types:

- `discounts`: the customers' discounts read model (granted v1/v2, revoked, expired, redeemed, reinstated);
- `price-match-refunds`: PriceMatchRefundApproved -> a Stripe refund on the order, then OrderRefunded. Its
  own consumer group, so that a Stripe outage delays refunds without holding up the discounts read model.

The review's own steps (requested, approved, rejected, escalated) are pricing's business: both ignore them.
"""

from __future__ import annotations

from cart.adapters.payments import PaymentGateway
from cart.domain.catalog import DiscountStatus
from cart.service_layer import read_models, refunds
from cart.settings import CartSettings
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

_ENDS: dict[type, DiscountStatus] = {
    DiscountRevoked: DiscountStatus.revoked,
    DiscountExpired: DiscountStatus.expired,
    DiscountRedeemed: DiscountStatus.redeemed,
}


def discounts_subscription_for(settings: CartSettings) -> Subscription:
    # The refund after purchase is the other subscription's (below).
    discounts = Subscription("discounts", ignore=[
        PriceMatchRequested, PriceMatchApproved, PriceMatchRejected, PriceMatchEscalated, PriceMatchRefundApproved,
    ])

    @discounts.handler
    async def on_discount_granted_v1(ctx: MessageContext, event: DiscountGranted) -> None:
        """v1 grants are still in the topic (pricing publishes v2 only now): read with the v1 settings."""
        await read_models.discount_granted_v1(ctx.session, event, percent_off=settings.v1_discount_percent_off,
                                              max_units=settings.v1_discount_max_units)

    @discounts.handler
    async def on_discount_granted_v2(ctx: MessageContext, event: DiscountGrantedV2) -> None:
        await read_models.discount_granted_v2(ctx.session, event)

    @discounts.handler
    async def on_discount_ended(
        ctx: MessageContext, event: DiscountRevoked | DiscountExpired | DiscountRedeemed,
    ) -> None:
        await read_models.discount_ended(ctx.session, event.discount_id, event.customer_id, event.sku,
                                         _ENDS[type(event)])

    @discounts.handler
    async def on_discount_reinstated(ctx: MessageContext, event: DiscountReinstated) -> None:
        await read_models.discount_reinstated(ctx.session, event)

    return discounts


def refunds_subscription_for(payments: PaymentGateway) -> Subscription:
    # Everything else on the topic is the discounts subscription's (above).
    price_match_refunds = Subscription("price-match-refunds", ignore=[
        PriceMatchRequested, PriceMatchApproved, PriceMatchRejected, PriceMatchEscalated,
        DiscountGranted, DiscountGrantedV2, DiscountRedeemed, DiscountExpired, DiscountRevoked, DiscountReinstated,
    ])

    @price_match_refunds.handler
    async def on_refund_approved(ctx: MessageContext, event: PriceMatchRefundApproved) -> None:
        await refunds.price_match_refund(ctx, payments, event)

    return price_match_refunds
