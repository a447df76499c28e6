"""The read models of products, prices and discounts: written by the event handlers, read by pricing.

Writes are upserts guarded by the event's version (or, for discounts, by the status rule: a discount
that was revoked, expired or redeemed never comes back), so replays and late duplicates change nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, literal_column, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from cart.adapters.orm import discounts, prices, product_skus, products
from cart.domain.catalog import Discount, DiscountStatus, Price, ProductInfo
from clinic_shared.db import is_postgres, upsert


class ReadModels:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- products ------------------------------------------------------------------------------
    async def product_version(self, product_id: str) -> int | None:
        stmt = select(products.c.version).where(products.c.product_id == product_id)
        return (await self.session.execute(stmt)).scalar()

    async def put_product(self, p: ProductInfo, skus: list[str]) -> None:
        row = {"product_id": p.product_id, "name": p.name, "category": p.category, "status": p.status,
               "regions": sorted(p.regions), "requires_evaluation": p.requires_evaluation,
               "version": p.version}
        await self.session.execute(upsert(self.session, products, row, key=["product_id"], update=row))
        await self.session.execute(delete(product_skus).where(product_skus.c.product_id == p.product_id))
        for sku in skus:
            await self.session.execute(upsert(self.session, product_skus, {"sku": sku, "product_id": p.product_id},
                                              key=["sku"], update={"product_id": p.product_id}))

    async def archive_product(self, product_id: str, version: int) -> None:
        """Archive a known product, or keep a tombstone (status archived, no SKUs) for one never seen, so that
        a late snapshot with a lower version cannot bring it back."""
        tombstone = {"product_id": product_id, "name": "", "category": "", "status": "archived", "regions": [],
                     "requires_evaluation": False, "version": version}
        await self.session.execute(upsert(self.session, products, tombstone, key=["product_id"],
                                          update={"status": "archived", "version": version},
                                          where=products.c.version < version))

    async def products_for(self, skus: Iterable[str]) -> dict[str, ProductInfo]:
        stmt = select(product_skus.c.sku, products).join(products, products.c.product_id == product_skus.c.product_id)
        found: dict[str, ProductInfo] = {}
        for r in await self.session.execute(stmt.where(product_skus.c.sku.in_(list(skus)))):
            found[r.sku] = ProductInfo(product_id=r.product_id, name=r.name, category=r.category, status=r.status,
                                       regions=frozenset(r.regions),
                                       requires_evaluation=r.requires_evaluation, version=r.version)
        return found

    async def products_and_prices(self, skus: Iterable[str]) -> tuple[dict[str, ProductInfo], dict[str, Price]]:
        """`products_for` and `prices_for` of the same SKUs in one statement (one round trip, not two)."""
        codes = list(skus)
        none: ColumnElement[Any] = literal_column("NULL")
        product_part = (
            select(literal_column("1").label("kind"), product_skus.c.sku, products.c.product_id, products.c.name,
                   products.c.category, products.c.status, products.c.regions, products.c.requires_evaluation,
                   products.c.version, none.label("unit_price"), none.label("currency"))
            .join_from(product_skus, products, products.c.product_id == product_skus.c.product_id)
            .where(product_skus.c.sku.in_(codes)))
        price_part = select(literal_column("0"), prices.c.sku, none, none, none, none, none, none, prices.c.version,
                            prices.c.unit_price, prices.c.currency).where(prices.c.sku.in_(codes))
        found: dict[str, ProductInfo] = {}
        priced: dict[str, Price] = {}
        for r in await self.session.execute(union_all(product_part, price_part)):
            if r.kind:
                found[r.sku] = ProductInfo(product_id=r.product_id, name=r.name, category=r.category, status=r.status,
                                           regions=frozenset(r.regions),
                                           requires_evaluation=r.requires_evaluation, version=r.version)
            else:
                priced[r.sku] = Price(r.sku, r.unit_price, r.currency, r.version)
        return found, priced

    # -- prices --------------------------------------------------------------------------------
    async def put_price(self, p: Price) -> None:
        row = {"sku": p.sku, "unit_price": p.unit_price, "currency": p.currency, "version": p.version}
        await self.session.execute(upsert(self.session, prices, row, key=["sku"], update=row,
                                          where=prices.c.version < p.version))

    async def prices_for(self, skus: Iterable[str]) -> dict[str, Price]:
        rows = await self.session.execute(select(prices).where(prices.c.sku.in_(list(skus))))
        return {r.sku: Price(r.sku, r.unit_price, r.currency, r.version) for r in rows}

    # -- discounts -----------------------------------------------------------------------------
    async def grant_discount(self, d: Discount, *, our_unit_price_at_grant: int | None, grant_version: int,
                             now: datetime) -> None:
        """Insert the grant; on a tombstone, fill in its terms but keep its final status."""
        terms = {"report_id": d.report_id, "amount_off": d.amount_off, "final_unit_price": d.final_unit_price_at_grant,
                 "currency": d.currency, "expires_at": d.expires_at, "updated_at": now, "percent_off": d.percent_off,
                 "our_unit_price_at_grant": our_unit_price_at_grant, "competitor_unit_price": d.competitor_unit_price,
                 "region": d.region, "max_units": d.max_units, "grant_version": grant_version}
        row = {"discount_id": d.discount_id, "customer_id": d.customer_id, "sku": d.sku,
               "status": DiscountStatus.granted.value, **terms}
        await self.session.execute(upsert(self.session, discounts, row, key=["discount_id"], update=terms))

    async def end_discount(self, discount_id: str, customer_id: str, sku: str, status: DiscountStatus,
                           now: datetime) -> None:
        """Revoked, expired or redeemed: final. Only a granted discount moves; an unknown one becomes a tombstone.
        An end waits for a checkout that holds the discount's row lock (so a checkout sees it or not, whole)."""
        row = {"discount_id": discount_id, "customer_id": customer_id, "sku": sku, "status": status.value,
               "updated_at": now}
        await self.session.execute(upsert(self.session, discounts, row, key=["discount_id"],
                                          update={"status": status.value, "updated_at": now},
                                          where=discounts.c.status == DiscountStatus.granted.value))

    async def reinstate(self, discount_id: str, order_id: str, expires_at: datetime, now: datetime) -> None:
        """Pricing gave back a discount whose order was refunded: usable again (never a revoked or expired one)."""
        await self.session.execute(
            update(discounts).where(discounts.c.discount_id == discount_id,
                                    discounts.c.status.in_([DiscountStatus.redeemed.value,
                                                            DiscountStatus.granted.value]))
            .values(status=DiscountStatus.granted.value, expires_at=expires_at, reserved_by_order=None,
                    reserved_at=None, updated_at=now))

    async def lock_discounts(self, discount_ids: list[str]) -> None:
        """Take the row locks of these discounts (PostgreSQL) until the transaction ends, in id order."""
        if discount_ids and is_postgres(self.session):
            await self.session.execute(select(discounts.c.discount_id)
                                       .where(discounts.c.discount_id.in_(sorted(discount_ids)))
                                       .order_by(discounts.c.discount_id).with_for_update())

    async def reserve(self, discount_id: str, order_id: str, now: datetime, stale_before: datetime) -> bool:
        """Hold the discount for `order_id`: only a granted, unexpired one that no live order holds (a hold
        older than `stale_before` has lapsed). One conditional UPDATE, so two checkouts cannot both win, and a
        revocation committed meanwhile makes it fail (PostgreSQL re-checks the row after the lock)."""
        result = await self.session.execute(
            update(discounts).where(
                discounts.c.discount_id == discount_id, discounts.c.status == DiscountStatus.granted.value,
                discounts.c.expires_at > now,
                or_(discounts.c.reserved_by_order.is_(None), discounts.c.reserved_by_order == order_id,
                    discounts.c.reserved_at < stale_before),
            ).values(reserved_by_order=order_id, reserved_at=now, updated_at=now))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def holder(self, discount_id: str) -> str | None:
        stmt = select(discounts.c.reserved_by_order).where(discounts.c.discount_id == discount_id)
        return (await self.session.execute(stmt)).scalar()

    async def release(self, discount_ids: list[str], order_id: str, now: datetime) -> None:
        """The order's payment failed or ended: what it held is free again."""
        if discount_ids:
            await self.session.execute(
                update(discounts).where(discounts.c.discount_id.in_(discount_ids),
                                        discounts.c.reserved_by_order == order_id)
                .values(reserved_by_order=None, reserved_at=None, updated_at=now))

    async def redeem_for(self, discount_ids: list[str], order_id: str, now: datetime, stale_before: datetime) -> bool:
        """The order is paid: its discounts are used. True when each was still the order's to use (held by it
        since checkout, even if it expired since; or granted, unexpired and free); False (and nothing changed)
        when one was revoked, or taken by another live order meanwhile."""
        if not discount_ids:
            return True
        await self.lock_discounts(discount_ids)
        rows = list(await self.session.execute(select(discounts).where(discounts.c.discount_id.in_(discount_ids))))
        if len(rows) != len(set(discount_ids)):
            return False
        for r in rows:
            held = r.reserved_by_order == order_id and r.status in (
                DiscountStatus.granted.value, DiscountStatus.expired.value, DiscountStatus.redeemed.value)
            free = (r.status == DiscountStatus.granted.value and r.expires_at is not None
                    and r.expires_at > now
                    and (r.reserved_by_order is None or (r.reserved_at is not None
                                                          and r.reserved_at < stale_before)))
            if not (held or free):
                return False
        await self.session.execute(
            update(discounts).where(discounts.c.discount_id.in_(discount_ids))
            .values(status=DiscountStatus.redeemed.value, reserved_by_order=order_id, updated_at=now))
        return True

    async def discounts_of(self, customer_id: str, skus: Iterable[str]) -> list[Discount]:
        rows = await self.session.execute(select(discounts).where(
            discounts.c.customer_id == customer_id, discounts.c.sku.in_(list(skus)),
            discounts.c.amount_off.is_not(None)))
        return [Discount(discount_id=r.discount_id, customer_id=r.customer_id, sku=r.sku, amount_off=r.amount_off,
                         currency=r.currency, expires_at=r.expires_at, status=DiscountStatus(r.status),
                         report_id=r.report_id, percent_off=r.percent_off or 0,
                         competitor_unit_price=r.competitor_unit_price or 0,
                         final_unit_price_at_grant=r.final_unit_price or 0, region=r.region,
                         max_units=r.max_units or 0, reserved_by_order=r.reserved_by_order,
                         reserved_at=r.reserved_at) for r in rows]

