"""pricing.price.v1 -> the prices read model (the current unit price of each SKU)."""

from __future__ import annotations

from cart.service_layer import read_models
from clinic_shared.events.pricing import PriceChanged
from clinic_shared.messaging.consumer import MessageContext, Subscription

subscription = Subscription("prices")


@subscription.handler
async def on_price_changed(ctx: MessageContext, event: PriceChanged) -> None:
    await read_models.price_changed(ctx.session, event)
