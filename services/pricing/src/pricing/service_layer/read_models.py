"""The catalog's products, as far as pricing cares: which SKUs are for sale.

A SKU is for sale when it has a price and the catalog lists it on an active product; an archived
(or drafted) product takes its SKUs off sale, and reports about them are rejected.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.events.base import utcnow
from clinic_shared.events.catalog import ProductArchived, ProductPublished, ProductUpdated
from pricing.adapters.read_models import CatalogSkuRepository
from pricing.domain import SkuVariant

log = logging.getLogger("pricing.catalog")


async def _is_stale(repo: CatalogSkuRepository, product_id: str, version: int) -> bool:
    known = await repo.product_version(product_id)
    if known is not None and known > version:
        log.info("older product state ignored", extra={"product_id": product_id, "version": version})
        return True
    return False


async def product_changed(session: AsyncSession, event: ProductPublished | ProductUpdated) -> None:
    repo = CatalogSkuRepository(session)
    if await _is_stale(repo, event.product_id, event.version):
        return
    await repo.replace_product(event.product_id, [s.sku for s in event.skus], for_sale=event.status == "active",
                               version=event.version, now=utcnow())
    await repo.set_variants({s.sku: SkuVariant(label=s.label, dose=s.dose, sessions=s.sessions,
                                               supply_days=s.supply_days) for s in event.skus})


async def product_archived(session: AsyncSession, event: ProductArchived) -> None:
    repo = CatalogSkuRepository(session)
    if await _is_stale(repo, event.product_id, event.version):
        return
    await repo.replace_product(event.product_id, [], for_sale=False, version=event.version, now=utcnow())
    await repo.set(event.product_id, event.skus, for_sale=False, version=event.version, now=utcnow())
