"""pricing.price-match.v1 -> the customers' discounts read model (granted v1/v2, revoked, expired, redeemed,
reinstated)."""

from __future__ import annotations

from cart.domain.catalog import DiscountStatus
from cart.service_layer import projections
from cart.settings import CartSettings
from clinic_shared.events.base import Event
from clinic_shared.events.pricing import (
    DiscountExpired,
    DiscountGranted,
    DiscountGrantedV2,
    DiscountRedeemed,
    DiscountReinstated,
    DiscountRevoked,
)
from clinic_shared.messaging.consumer import Handler, MessageContext, Subscription

_ENDS: dict[type[Event], DiscountStatus] = {
    DiscountRevoked: DiscountStatus.revoked,
    DiscountExpired: DiscountStatus.expired,
    DiscountRedeemed: DiscountStatus.redeemed,
}


async def on_discount_granted_v2(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, DiscountGrantedV2)
    await projections.discount_granted_v2(ctx.session, event)


def on_discount_granted_v1(settings: CartSettings) -> Handler:
    """v1 grants are still in the topic (pricing publishes v2 only now): read with the v1 settings."""

    async def handle(ctx: MessageContext, event: Event) -> None:
        assert isinstance(event, DiscountGranted)
        await projections.discount_granted_v1(ctx.session, event, percent_off=settings.v1_discount_percent_off,
                                              max_units=settings.v1_discount_max_units)

    return handle


async def on_discount_ended(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, DiscountRevoked | DiscountExpired | DiscountRedeemed)
    await projections.discount_ended(ctx.session, event.discount_id, event.customer_id, event.sku, _ENDS[type(event)])


async def on_discount_reinstated(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, DiscountReinstated)
    await projections.discount_reinstated(ctx.session, event)


def subscription_for(settings: CartSettings) -> Subscription:
    return Subscription("discounts", {
        DiscountGranted: on_discount_granted_v1(settings),
        DiscountGrantedV2: on_discount_granted_v2,
        DiscountRevoked: on_discount_ended,
        DiscountExpired: on_discount_ended,
        DiscountRedeemed: on_discount_ended,
        DiscountReinstated: on_discount_reinstated,
    })


