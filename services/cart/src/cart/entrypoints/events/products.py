"""catalog.product.v1 -> the products read model (name, category, status, regions, requires_evaluation, SKUs)."""

from __future__ import annotations

from cart.service_layer import projections
from clinic_shared.events.base import Event
from clinic_shared.events.catalog import ProductArchived, ProductPublished, ProductUpdated
from clinic_shared.messaging.consumer import MessageContext, Subscription


async def on_product_changed(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, ProductPublished | ProductUpdated)
    await projections.product_changed(ctx.session, event)


async def on_product_archived(ctx: MessageContext, event: Event) -> None:
    assert isinstance(event, ProductArchived)
    await projections.product_archived(ctx.session, event)


subscription = Subscription("products", {
    ProductPublished: on_product_changed,
    ProductUpdated: on_product_changed,
    ProductArchived: on_product_archived,
})
