"""pricing.price-match.v1 -> the customers' discounts read model (granted, revoked, expired, redeemed)."""

from __future__ import annotations

from cart.domain.catalog import DiscountStatus
from cart.service_layer import projections
from clinic_shared.events.base import Event
from clinic_shared.events.pricing import DiscountExpired, DiscountGranted, DiscountRedeemed, DiscountRevoked
from clinic_shared.messaging.consumer import MessageContext, Subscription

_ENDS: dict[type[Event], DiscountStatus] = {
    DiscountRevoked: DiscountStatus.revoked,
    DiscountExpired: DiscountStatus.expired,
    DiscountRedeemed: DiscountStatus.redeemed,
}


async def on_discount_granted(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, DiscountGranted)
    await projections.discount_granted(ctx.session, event)


async def on_discount_ended(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, DiscountRevoked | DiscountExpired | DiscountRedeemed)
    await projections.discount_ended(ctx.session, event.discount_id, event.customer_id, event.sku, _ENDS[type(event)])


subscription = Subscription("discounts", {
    DiscountGranted: on_discount_granted,
    DiscountRevoked: on_discount_ended,
    DiscountExpired: on_discount_ended,
    DiscountRedeemed: on_discount_ended,
})
