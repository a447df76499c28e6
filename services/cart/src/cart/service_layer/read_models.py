"""The read models kept from other services' events (called by the subscribers in entrypoints/events)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cart.adapters.read_models import ReadModels
from cart.domain.catalog import Discount, DiscountStatus, Price, ProductInfo
from clinic_shared.events.base import utcnow
from clinic_shared.events.catalog import ProductArchived, ProductPublished, ProductUpdated
from clinic_shared.events.pricing import DiscountGranted, DiscountGrantedV2, DiscountReinstated, PriceChanged


async def product_changed(session: AsyncSession, e: ProductPublished | ProductUpdated) -> None:
    models = ReadModels(session)
    known = await models.product_version(e.product_id)
    if known is not None and known >= e.version:
        return  # an older or repeated snapshot, or one older than the archive's tombstone
    info = ProductInfo(product_id=e.product_id, name=e.name, category=e.category, status=e.status,
                       regions=frozenset(e.regions), requires_evaluation=e.requires_evaluation, version=e.version)
    await models.put_product(info, [s.sku for s in e.skus])


async def product_archived(session: AsyncSession, e: ProductArchived) -> None:
    await ReadModels(session).archive_product(e.product_id, e.version)  # a tombstone when the product is unknown


async def price_changed(session: AsyncSession, e: PriceChanged) -> None:
    await ReadModels(session).put_price(Price(e.sku, e.unit_price, e.currency, e.version))


async def discount_granted_v2(session: AsyncSession, e: DiscountGrantedV2) -> None:
    d = Discount(discount_id=e.discount_id, customer_id=e.customer_id, sku=e.sku, amount_off=e.amount_off_at_grant,
                 currency=e.currency, expires_at=e.expires_at, status=DiscountStatus.granted, report_id=e.report_id,
                 percent_off=e.percent_off, competitor_unit_price=e.competitor_unit_price,
                 final_unit_price_at_grant=e.final_unit_price_at_grant, region=e.region, max_units=e.max_units)
    await ReadModels(session).grant_discount(d, our_unit_price_at_grant=e.our_unit_price_at_grant, grant_version=2,
                                             now=utcnow())


def v1_terms(e: DiscountGranted, *, percent_off: int, max_units: int) -> Discount:
    """A v1 grant (amount_off = our price at grant - final, final_unit_price) read as a v2 one, never against
    the customer:
    - final at grant: v1's final_unit_price (the customer never pays more than it);
    - competitor price: the basis that final was taken from, final * 100 / (100 - percent_off), rounded down
      (a lower basis only lowers the price charged); a v1 final of 0 or less (the old free-item grant) has
      no basis to show: amount_off * 100 / percent_off, and our price at grant as the cap;
    - region: None (v1 carried none: any region); max_units and percent_off: the settings.
    """
    final = e.final_unit_price
    if final > 0:
        competitor, final_at_grant = final * 100 // (100 - percent_off), final
    else:
        competitor, final_at_grant = e.amount_off * 100 // percent_off, e.amount_off
    return Discount(discount_id=e.discount_id, customer_id=e.customer_id, sku=e.sku, amount_off=e.amount_off,
                    currency=e.currency, expires_at=e.expires_at, status=DiscountStatus.granted, report_id=e.report_id,
                    percent_off=percent_off, competitor_unit_price=competitor, final_unit_price_at_grant=final_at_grant,
                    region=None, max_units=max_units)


async def discount_granted_v1(session: AsyncSession, e: DiscountGranted, *, percent_off: int, max_units: int) -> None:
    d = v1_terms(e, percent_off=percent_off, max_units=max_units)
    await ReadModels(session).grant_discount(d, our_unit_price_at_grant=e.amount_off + max(e.final_unit_price, 0),
                                             grant_version=1, now=utcnow())


async def discount_ended(session: AsyncSession, discount_id: str, customer_id: str, sku: str,
                         status: DiscountStatus) -> None:
    await ReadModels(session).end_discount(discount_id, customer_id, sku, status, utcnow())


async def discount_reinstated(session: AsyncSession, e: DiscountReinstated) -> None:
    await ReadModels(session).reinstate(e.discount_id, e.order_id, e.expires_at, utcnow())
