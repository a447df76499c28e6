"""pricing.price-match.v1 -> the customers' discounts read model (granted v1/v2, revoked, expired, redeemed,
reinstated)."""

from __future__ import annotations

from cart.domain.catalog import DiscountStatus
from cart.service_layer import projections
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


def subscription_for(settings: CartSettings) -> Subscription:
    # The review's own steps are pricing's business, and refunds after purchase have their own
    # subscription (refunds.py): the cart's discounts act on the discounts the review leads to.
    discounts = Subscription("discounts", ignore=[
        PriceMatchRequested, PriceMatchApproved, PriceMatchRejected, PriceMatchEscalated, PriceMatchRefundApproved,
    ])

    @discounts.handler
    async def on_discount_granted_v1(ctx: MessageContext, event: DiscountGranted) -> None:
        """v1 grants are still in the topic (pricing publishes v2 only now): read with the v1 settings."""
        await projections.discount_granted_v1(ctx.session, event, percent_off=settings.v1_discount_percent_off,
                                              max_units=settings.v1_discount_max_units)

    @discounts.handler
    async def on_discount_granted_v2(ctx: MessageContext, event: DiscountGrantedV2) -> None:
        await projections.discount_granted_v2(ctx.session, event)

    @discounts.handler
    async def on_discount_ended(
        ctx: MessageContext, event: DiscountRevoked | DiscountExpired | DiscountRedeemed,
    ) -> None:
        await projections.discount_ended(ctx.session, event.discount_id, event.customer_id, event.sku,
                                         _ENDS[type(event)])

    @discounts.handler
    async def on_discount_reinstated(ctx: MessageContext, event: DiscountReinstated) -> None:
        await projections.discount_reinstated(ctx.session, event)

    return discounts
