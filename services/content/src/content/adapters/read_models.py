"""Read models of the catalog's products and pricing's prices, kept from their events.

Each row carries the version of the event that wrote it; an older event never overwrites a newer
state (events of one product, or one SKU, arrive in order, but a replay from the DLQ may not).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.db import upsert
from content.adapters.orm import prices, product_skus, products

FOR_SALE = "active"


@dataclass(frozen=True)
class RelatedSku:
    sku: str
    label: str
    unit_price: int
    currency: str


@dataclass
class RelatedProduct:
    id: str
    slug: str
    name: str
    skus: list[RelatedSku] = field(default_factory=list)


class CatalogView:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def put_product(self, product_id: str, slug: str, name: str, status: str, version: int,
                          skus: list[tuple[str, str]]) -> bool:
        """Store a product's state if ``version`` is newer than what is kept; True if it was stored."""
        state = {"slug": slug, "name": name, "status": status, "version": version}
        stmt = upsert(self.session, products, {"id": product_id, **state}, key=[products.c.id], update=state,
                      where=products.c.version < version)
        if not (await self.session.execute(stmt)).rowcount:  # type: ignore[attr-defined]
            return False
        codes = [code for code, _ in skus]
        await self.session.execute(delete(product_skus).where(
            or_(product_skus.c.product_id == product_id, product_skus.c.sku.in_(codes))))
        if skus:
            await self.session.execute(insert(product_skus), [
                {"sku": code, "product_id": product_id, "label": label, "position": i}
                for i, (code, label) in enumerate(skus)
            ])
        return True

    async def archive_product(self, product_id: str, slug: str, version: int) -> None:
        exists = (await self.session.execute(select(products.c.id).where(products.c.id == product_id))).first()
        if exists is None:  # remember it, so a late older "published" cannot bring it back
            await self.put_product(product_id, slug, slug, "archived", version, [])
            return
        await self.session.execute(update(products).where(products.c.id == product_id, products.c.version < version)
                                   .values(status="archived", version=version))

    async def put_price(self, sku: str, unit_price: int, currency: str, version: int) -> None:
        state = {"unit_price": unit_price, "currency": currency, "version": version}
        await self.session.execute(upsert(self.session, prices, {"sku": sku, **state}, key=[prices.c.sku],
                                          update=state, where=prices.c.version < version))

    async def related(self, skus: list[str]) -> list[RelatedProduct]:
        """Products for sale that hold any of ``skus``, with those SKUs that have a price, in ``skus`` order."""
        if not skus:
            return []
        rows = (await self.session.execute(
            select(product_skus.c.sku, product_skus.c.label, products.c.id, products.c.slug, products.c.name,
                   prices.c.unit_price, prices.c.currency)
            .join(products, products.c.id == product_skus.c.product_id)
            .join(prices, prices.c.sku == product_skus.c.sku)
            .where(product_skus.c.sku.in_(skus), products.c.status == FOR_SALE)
        )).all()
        by_sku = {r.sku: r for r in rows}
        found: dict[str, RelatedProduct] = {}
        for code in skus:
            r = by_sku.get(code)
            if r is None:
                continue
            product = found.setdefault(r.id, RelatedProduct(id=r.id, slug=r.slug, name=r.name))
            product.skus.append(RelatedSku(sku=r.sku, label=r.label, unit_price=r.unit_price, currency=r.currency))
        return list(found.values())
