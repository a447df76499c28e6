"""catalog.product.v1 -> the products read model (what related treatments an article can show)."""

from __future__ import annotations

from clinic_shared.events.catalog import ProductArchived, ProductPublished, ProductUpdated
from clinic_shared.messaging.consumer import MessageContext, Subscription
from content.service_layer import read_models

subscription = Subscription("catalog-products")


@subscription.handler
async def on_product_state(ctx: MessageContext, event: ProductPublished | ProductUpdated) -> None:
    await read_models.product_changed(ctx.session, event)


@subscription.handler
async def on_product_archived(ctx: MessageContext, event: ProductArchived) -> None:
    await read_models.product_archived(ctx.session, event)
