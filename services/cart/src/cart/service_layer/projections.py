"""The read models kept from other services' events (called by the subscribers in entrypoints/events)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cart.adapters.read_models import ReadModels
from cart.domain.catalog import Discount, DiscountStatus, Price, ProductInfo
from clinic_shared.events.base import utcnow
from clinic_shared.events.catalog import ProductArchived, ProductPublished, ProductUpdated
from clinic_shared.events.pricing import DiscountGranted, PriceChanged


async def product_changed(session: AsyncSession, e: ProductPublished | ProductUpdated) -> None:
    models = ReadModels(session)
    known = await models.product_version(e.product_id)
    if known is not None and known >= e.version:
        return  # an older or repeated snapshot
    info = ProductInfo(product_id=e.product_id, name=e.name, category=e.category, status=e.status,
                       regions=frozenset(e.regions), requires_evaluation=e.requires_evaluation, version=e.version)
    await models.put_product(info, [s.sku for s in e.skus])


async def product_archived(session: AsyncSession, e: ProductArchived) -> None:
    models = ReadModels(session)
    known = await models.product_version(e.product_id)
    if known is not None and known < e.version:
        await models.archive_product(e.product_id, e.version)


async def price_changed(session: AsyncSession, e: PriceChanged) -> None:
    await ReadModels(session).put_price(Price(e.sku, e.unit_price, e.currency, e.version))


async def discount_granted(session: AsyncSession, e: DiscountGranted) -> None:
    d = Discount(discount_id=e.discount_id, customer_id=e.customer_id, sku=e.sku, amount_off=e.amount_off,
                 currency=e.currency, expires_at=e.expires_at, status=DiscountStatus.granted, report_id=e.report_id)
    await ReadModels(session).grant_discount(d, e.final_unit_price, utcnow())


async def discount_ended(session: AsyncSession, discount_id: str, customer_id: str, sku: str,
                         status: DiscountStatus) -> None:
    await ReadModels(session).end_discount(discount_id, customer_id, sku, status, utcnow())
