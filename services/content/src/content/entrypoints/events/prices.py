"""pricing.price.v1 -> the prices read model (the current price shown next to a related treatment)."""

from __future__ import annotations

from clinic_shared.events.base import Event
from clinic_shared.events.pricing import PriceChanged
from clinic_shared.messaging.consumer import MessageContext, PermanentError, Subscription
from content.service_layer import catalog_view


async def on_price_changed(ctx: MessageContext, event: Event) -> None:
    if not isinstance(event, PriceChanged):
        raise PermanentError(f"unexpected event {type(event).__name__}")
    await catalog_view.price_changed(ctx.session, event)


subscription = Subscription("prices", {PriceChanged: on_price_changed})
