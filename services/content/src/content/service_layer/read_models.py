"""Keeping the read models of products and prices from the catalog's and pricing's events."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.events.catalog import ProductArchived, ProductPublished, ProductUpdated
from clinic_shared.events.pricing import PriceChanged
from content.adapters.read_models import CatalogView


async def product_changed(session: AsyncSession, event: ProductPublished | ProductUpdated) -> None:
    await CatalogView(session).put_product(
        event.product_id, event.slug, event.name, event.status, event.version,
        [(s.sku, s.label) for s in event.skus],
    )


async def product_archived(session: AsyncSession, event: ProductArchived) -> None:
    await CatalogView(session).archive_product(event.product_id, event.slug, event.version)


async def price_changed(session: AsyncSession, event: PriceChanged) -> None:
    await CatalogView(session).put_price(event.sku, event.unit_price, event.currency, event.version)
