"""pricing.price.v1 -> the prices read model (the current price shown next to a related treatment)."""

from __future__ import annotations

from clinic_shared.events.pricing import PriceChanged
from clinic_shared.messaging.consumer import MessageContext, Subscription
from content.service_layer import read_models

subscription = Subscription("prices")


@subscription.handler
async def on_price_changed(ctx: MessageContext, event: PriceChanged) -> None:
    await read_models.price_changed(ctx.session, event)
