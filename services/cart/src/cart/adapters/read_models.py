"""The read models of products, prices and discounts: written by the event handlers, read by pricing.

Writes are upserts guarded by the event's version (or, for discounts, by the status rule: a discount
that was revoked, expired or redeemed never comes back), so replays and late duplicates change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from cart.adapters.orm import discounts, prices, product_skus, products
from cart.domain.catalog import Discount, DiscountStatus, Price, ProductInfo
from clinic_shared.db import is_postgres


class ReadModels:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _insert(self, table: Any) -> Any:
        return (pg_insert if is_postgres(self.session) else sqlite_insert)(table)

    # -- products ------------------------------------------------------------------------------
    async def product_version(self, product_id: str) -> int | None:
        stmt = select(products.c.version).where(products.c.product_id == product_id)
        return (await self.session.execute(stmt)).scalar()

    async def put_product(self, p: ProductInfo, skus: list[str]) -> None:
        row = {"product_id": p.product_id, "name": p.name, "category": p.category, "status": p.status,
               "regions": json.dumps(sorted(p.regions)), "requires_evaluation": p.requires_evaluation,
               "version": p.version}
        stmt = self._insert(products).values(**row)
        await self.session.execute(stmt.on_conflict_do_update(index_elements=["product_id"], set_=row))
        await self.session.execute(delete(product_skus).where(product_skus.c.product_id == p.product_id))
        for sku in skus:
            ins = self._insert(product_skus).values(sku=sku, product_id=p.product_id)
            await self.session.execute(ins.on_conflict_do_update(index_elements=["sku"],
                                                                 set_={"product_id": p.product_id}))

    async def archive_product(self, product_id: str, version: int) -> None:
        await self.session.execute(update(products).where(products.c.product_id == product_id)
                                   .values(status="archived", version=version))

    async def products_for(self, skus: Iterable[str]) -> dict[str, ProductInfo]:
        stmt = select(product_skus.c.sku, products).join(products, products.c.product_id == product_skus.c.product_id)
        found: dict[str, ProductInfo] = {}
        for r in await self.session.execute(stmt.where(product_skus.c.sku.in_(list(skus)))):
            found[r.sku] = ProductInfo(product_id=r.product_id, name=r.name, category=r.category, status=r.status,
                                       regions=frozenset(json.loads(r.regions)),
                                       requires_evaluation=r.requires_evaluation, version=r.version)
        return found

    # -- prices --------------------------------------------------------------------------------
    async def put_price(self, p: Price) -> None:
        row = {"sku": p.sku, "unit_price": p.unit_price, "currency": p.currency, "version": p.version}
        stmt = self._insert(prices).values(**row)
        await self.session.execute(stmt.on_conflict_do_update(
            index_elements=["sku"], set_=row, where=prices.c.version < stmt.excluded.version))

    async def prices_for(self, skus: Iterable[str]) -> dict[str, Price]:
        rows = await self.session.execute(select(prices).where(prices.c.sku.in_(list(skus))))
        return {r.sku: Price(r.sku, r.unit_price, r.currency, r.version) for r in rows}

    # -- discounts -----------------------------------------------------------------------------
    async def grant_discount(self, d: Discount, final_unit_price: int, now: datetime) -> None:
        """Insert the grant; on a tombstone, fill in its terms but keep its final status."""
        terms = {"report_id": d.report_id, "amount_off": d.amount_off, "final_unit_price": final_unit_price,
                 "currency": d.currency, "expires_at": d.expires_at, "updated_at": now}
        stmt = self._insert(discounts).values(discount_id=d.discount_id, customer_id=d.customer_id, sku=d.sku,
                                              status=DiscountStatus.granted.value, **terms)
        await self.session.execute(stmt.on_conflict_do_update(index_elements=["discount_id"], set_=terms))

    async def end_discount(self, discount_id: str, customer_id: str, sku: str, status: DiscountStatus,
                           now: datetime) -> None:
        """Revoked, expired or redeemed: final. Only a granted discount moves; an unknown one becomes a tombstone."""
        stmt = self._insert(discounts).values(discount_id=discount_id, customer_id=customer_id, sku=sku,
                                              status=status.value, updated_at=now)
        await self.session.execute(stmt.on_conflict_do_update(
            index_elements=["discount_id"], set_={"status": status.value, "updated_at": now},
            where=discounts.c.status == DiscountStatus.granted.value))

    async def redeem_locally(self, discount_ids: list[str], now: datetime) -> None:
        """An order paid with these discounts: they are used, whether or not pricing has said so yet."""
        if discount_ids:
            await self.session.execute(
                update(discounts).where(discounts.c.discount_id.in_(discount_ids),
                                        discounts.c.status == DiscountStatus.granted.value)
                .values(status=DiscountStatus.redeemed.value, updated_at=now))

    async def discounts_of(self, customer_id: str, skus: Iterable[str]) -> list[Discount]:
        rows = await self.session.execute(select(discounts).where(
            discounts.c.customer_id == customer_id, discounts.c.sku.in_(list(skus)),
            discounts.c.amount_off.is_not(None)))
        return [Discount(discount_id=r.discount_id, customer_id=r.customer_id, sku=r.sku, amount_off=r.amount_off,
                         currency=r.currency, expires_at=_aware(r.expires_at), status=DiscountStatus(r.status),
                         report_id=r.report_id) for r in rows]


def _aware(t: datetime) -> datetime:
    """SQLite (the embedded default) gives naive datetimes back; they were written in UTC."""
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)
