"""The catalog's SKUs as its events describe them. Events of one product arrive in order (keyed by
product id); the product version still guards against an older state overwriting a newer one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pricing.adapters.orm import catalog_skus
from pricing.domain import SkuVariant


class CatalogSkuRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def product_version(self, product_id: str) -> int | None:
        stmt = select(func.max(catalog_skus.c.product_version)).where(catalog_skus.c.product_id == product_id)
        value = (await self.session.execute(stmt)).scalar_one_or_none()
        return None if value is None else int(value)

    async def replace_product(
        self, product_id: str, skus: Iterable[str], *, for_sale: bool, version: int, now: datetime
    ) -> None:
        """The product now has exactly `skus`; those it no longer lists are off sale."""
        codes = sorted(set(skus))
        await self.session.execute(
            update(catalog_skus)
            .where(catalog_skus.c.product_id == product_id, catalog_skus.c.sku.not_in(codes))
            .values(for_sale=False, product_version=version, updated_at=now)
        )
        await self.set(product_id, codes, for_sale=for_sale, version=version, now=now)

    async def set_variants(self, variants: dict[str, SkuVariant]) -> None:
        for sku, v in sorted(variants.items()):
            await self.session.execute(update(catalog_skus).where(catalog_skus.c.sku == sku).values(
                label=v.label, dose=v.dose, sessions=v.sessions, supply_days=v.supply_days))

    async def variant(self, sku: str) -> SkuVariant | None:
        row = (await self.session.execute(select(catalog_skus).where(catalog_skus.c.sku == sku))).first()
        if row is None:
            return None
        return SkuVariant(label=row.label, dose=row.dose, sessions=row.sessions, supply_days=row.supply_days)

    async def set(self, product_id: str, skus: Iterable[str], *, for_sale: bool, version: int, now: datetime) -> None:
        codes = sorted(set(skus))
        if not codes:
            return
        known = {r.sku for r in await self.session.execute(
            select(catalog_skus.c.sku).where(catalog_skus.c.sku.in_(codes)))}
        values = {"product_id": product_id, "for_sale": for_sale, "product_version": version, "updated_at": now}
        if known:
            await self.session.execute(update(catalog_skus).where(catalog_skus.c.sku.in_(known)).values(**values))
        new = [c for c in codes if c not in known]
        if new:
            await self.session.execute(insert(catalog_skus), [{"sku": c, **values} for c in new])
