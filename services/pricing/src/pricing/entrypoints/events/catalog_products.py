"""catalog.product.v1 -> which SKUs are for sale."""

from __future__ import annotations

from clinic_shared.events.base import Event
from clinic_shared.events.catalog import ProductArchived, ProductPublished, ProductUpdated
from clinic_shared.messaging.consumer import MessageContext, Subscription
from pricing.service_layer import catalog


async def on_product_changed(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, ProductPublished | ProductUpdated)
    await catalog.product_changed(ctx.session, event)


async def on_product_archived(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, ProductArchived)
    await catalog.product_archived(ctx.session, event)


subscription = Subscription("catalog-products", {
    ProductPublished: on_product_changed,
    ProductUpdated: on_product_changed,
    ProductArchived: on_product_archived,
})
