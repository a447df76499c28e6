"""catalog.product.v1 -> the products read model (what related treatments an article can show)."""

from __future__ import annotations

from clinic_shared.events.base import Event
from clinic_shared.events.catalog import ProductArchived, ProductPublished, ProductUpdated
from clinic_shared.messaging.consumer import MessageContext, PermanentError, Subscription
from content.service_layer import catalog_view


async def on_product_state(ctx: MessageContext, event: Event) -> None:
    if not isinstance(event, ProductPublished | ProductUpdated):
        raise PermanentError(f"unexpected event {type(event).__name__}")
    await catalog_view.product_changed(ctx.session, event)


async def on_product_archived(ctx: MessageContext, event: Event) -> None:
    if not isinstance(event, ProductArchived):
        raise PermanentError(f"unexpected event {type(event).__name__}")
    await catalog_view.product_archived(ctx.session, event)


subscription = Subscription("catalog-products", {
    ProductPublished: on_product_state,
    ProductUpdated: on_product_state,
    ProductArchived: on_product_archived,
})
