"""Paid order lines, as cart.order.v1 tells them: what a customer bought, for price matches after purchase."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.db import upsert
from pricing.adapters.orm import purchases
from pricing.domain import Purchase


class PurchaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, order_id: str, customer_id: str | None, region: str | None, currency: str,
                     paid_at: datetime, lines: list[tuple[str, int, int]]) -> None:
        """(sku, quantity, paid unit price) per line; recording the same order again changes nothing."""
        for sku, quantity, unit_price in lines:
            await self.session.execute(upsert(self.session, purchases, {
                "order_id": order_id, "sku": sku, "customer_id": customer_id, "quantity": quantity,
                "paid_unit_price": unit_price, "currency": currency, "paid_at": paid_at, "region": region,
                "refunded": False,
            }, key=[purchases.c.order_id, purchases.c.sku]))

    async def claim(self, order_id: str, customer_id: str) -> None:
        """A signed-out order now belongs to `customer_id` (never taken from another customer)."""
        await self.session.execute(update(purchases).where(
            purchases.c.order_id == order_id, purchases.c.customer_id.is_(None)).values(customer_id=customer_id))

    async def mark_refunded(self, order_id: str) -> None:
        await self.session.execute(update(purchases).where(purchases.c.order_id == order_id).values(refunded=True))

    async def latest(self, customer_id: str, sku: str, since: datetime) -> Purchase | None:
        """The customer's most recent paid, unrefunded purchase of `sku` after `since`."""
        row = (await self.session.execute(
            select(purchases).where(purchases.c.customer_id == customer_id, purchases.c.sku == sku,
                                    purchases.c.paid_at > since, purchases.c.refunded.is_(False))
            .order_by(purchases.c.paid_at.desc()).limit(1))).first()
        if row is None:
            return None
        return Purchase(row.order_id, row.quantity, row.paid_unit_price, row.currency, row.paid_at)
