"""pricing.price-match.v1 -> the customers' discounts read model (granted, revoked, expired, redeemed)."""

from __future__ import annotations

from cart.domain.catalog import DiscountStatus
from cart.service_layer import projections
from clinic_shared.events.pricing import (
    DiscountExpired,
    DiscountGranted,
    DiscountRedeemed,
    DiscountRevoked,
    PriceMatchApproved,
    PriceMatchEscalated,
    PriceMatchRejected,
    PriceMatchRequested,
)
from clinic_shared.messaging.consumer import MessageContext, Subscription

# The review's own steps are pricing's business; the cart acts on the discounts they lead to.
subscription = Subscription("discounts", ignore=[
    PriceMatchRequested, PriceMatchApproved, PriceMatchRejected, PriceMatchEscalated,
])

_ENDS: dict[type, DiscountStatus] = {
    DiscountRevoked: DiscountStatus.revoked,
    DiscountExpired: DiscountStatus.expired,
    DiscountRedeemed: DiscountStatus.redeemed,
}


@subscription.handler
async def on_discount_granted(ctx: MessageContext, event: DiscountGranted) -> None:
    await projections.discount_granted(ctx.session, event)


@subscription.handler
async def on_discount_ended(ctx: MessageContext, event: DiscountRevoked | DiscountExpired | DiscountRedeemed) -> None:
    await projections.discount_ended(ctx.session, event.discount_id, event.customer_id, event.sku, _ENDS[type(event)])
