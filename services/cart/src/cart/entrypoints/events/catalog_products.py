"""catalog.product.v1 -> the products read model (name, category, status, regions, requires_evaluation, SKUs)."""

from __future__ import annotations

from cart.service_layer import read_models
from clinic_shared.events.catalog import ProductArchived, ProductPublished, ProductUpdated
from clinic_shared.messaging.consumer import MessageContext, Subscription

subscription = Subscription("products")


@subscription.handler
async def on_product_changed(ctx: MessageContext, event: ProductPublished | ProductUpdated) -> None:
    await read_models.product_changed(ctx.session, event)


@subscription.handler
async def on_product_archived(ctx: MessageContext, event: ProductArchived) -> None:
    await read_models.product_archived(ctx.session, event)
