"""Prices and their history, and the catalog's SKUs (a read model fed by the catalog's events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pricing.adapters.orm import catalog_skus, price_history, prices
from pricing.adapters.sql import for_update
from pricing.domain import Money


@dataclass(frozen=True)
class Price:
    """The price of one SKU: integer minor units in an ISO currency, versioned."""

    sku: str
    unit_price: int
    currency: str
    version: int
    updated_at: datetime
    updated_by: str

    @property
    def money(self) -> Money:
        return Money(self.unit_price, self.currency)


class PriceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, sku: str, *, lock: bool = False) -> Price | None:
        stmt = select(prices).where(prices.c.sku == sku)
        row = (await self.session.execute(for_update(self.session, stmt) if lock else stmt)).first()
        return None if row is None else Price(row.sku, row.unit_price, row.currency, row.version,
                                              row.updated_at, row.updated_by)

    async def put(self, price: Price) -> None:
        """Write a new version of a price and its history row."""
        values = {"unit_price": price.unit_price, "currency": price.currency, "version": price.version,
                  "updated_at": price.updated_at, "updated_by": price.updated_by}
        if price.version == 1:
            await self.session.execute(insert(prices).values(sku=price.sku, **values))
        else:
            await self.session.execute(update(prices).where(prices.c.sku == price.sku).values(**values))
        await self.session.execute(insert(price_history).values(
            sku=price.sku, unit_price=price.unit_price, currency=price.currency, version=price.version,
            changed_at=price.updated_at, changed_by=price.updated_by,
        ))

    async def history(self, sku: str) -> list[Price]:
        rows = await self.session.execute(
            select(price_history).where(price_history.c.sku == sku).order_by(price_history.c.version.desc())
        )
        return [Price(r.sku, r.unit_price, r.currency, r.version, r.changed_at, r.changed_by) for r in rows]

    async def for_sale(self, sku: str) -> bool:
        """The catalog lists the SKU on an active product."""
        row = (await self.session.execute(select(catalog_skus.c.for_sale).where(catalog_skus.c.sku == sku))).first()
        return bool(row and row.for_sale)

    async def our_price(self, sku: str) -> Money | None:
        """Our current price of a SKU that is for sale; None when it is not (no price, or off sale)."""
        price = await self.get(sku)
        if price is None or not await self.for_sale(sku):
            return None
        return price.money
