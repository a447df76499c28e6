"""Discounts: granted price matches, their redemption, expiry and revocation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pricing.adapters.orm import discounts
from pricing.adapters.sql import count, for_update
from pricing.domain import Discount, DiscountStatus


def _discount(r: Row) -> Discount:  # type: ignore[type-arg]
    return Discount(
        id=r.id, customer_id=r.customer_id, sku=r.sku, report_id=r.report_id, amount_off=r.amount_off,
        final_unit_price=r.final_unit_price, currency=r.currency, expires_at=r.expires_at,
        granted_at=r.granted_at, status=r.status, redeemed_order_id=r.redeemed_order_id,
        redeemed_at=r.redeemed_at, revoked_reason=r.revoked_reason, percent_off=r.percent_off,
        our_unit_price_at_grant=r.our_unit_price_at_grant, competitor_unit_price=r.competitor_unit_price,
        region=r.region, max_units=r.max_units,
    )


class DiscountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, discount_id: str, *, lock: bool = False) -> Discount | None:
        stmt = select(discounts).where(discounts.c.id == discount_id)
        row = (await self.session.execute(for_update(self.session, stmt) if lock else stmt)).first()
        return None if row is None else _discount(row)

    async def of_customer(
        self, customer_id: str, status: DiscountStatus | None, limit: int, offset: int
    ) -> tuple[list[Discount], int]:
        stmt = select(discounts).where(discounts.c.customer_id == customer_id)
        if status is not None:
            stmt = stmt.where(discounts.c.status == status)
        total = await count(self.session, stmt)
        rows = await self.session.execute(
            stmt.order_by(discounts.c.granted_at.desc(), discounts.c.id).limit(limit).offset(offset))
        return [_discount(r) for r in rows], total

    async def grant_times(self, customer_id: str, sku: str) -> list[datetime]:
        """When this customer was granted a match for this SKU, whatever became of it since."""
        rows = await self.session.execute(
            select(discounts.c.granted_at).where(discounts.c.customer_id == customer_id, discounts.c.sku == sku))
        return [r.granted_at for r in rows]

    async def due_for_expiry(self, before: datetime, limit: int) -> list[Discount]:
        """Unused discounts whose expiry is before `before`, locked (others running the job skip them)."""
        stmt = (select(discounts).where(discounts.c.status == "granted", discounts.c.expires_at <= before)
                .order_by(discounts.c.expires_at).limit(limit))
        return [_discount(r) for r in await self.session.execute(for_update(self.session, stmt, skip_locked=True))]

    async def add(self, d: Discount) -> None:
        await self.session.execute(insert(discounts).values(
            id=d.id, customer_id=d.customer_id, sku=d.sku, report_id=d.report_id, amount_off=d.amount_off,
            final_unit_price=d.final_unit_price, currency=d.currency, granted_at=d.granted_at,
            expires_at=d.expires_at, percent_off=d.percent_off, our_unit_price_at_grant=d.our_unit_price_at_grant,
            competitor_unit_price=d.competitor_unit_price, region=d.region, max_units=d.max_units, **self._state(d),
        ))

    async def redeemed_by(self, order_id: str) -> list[Discount]:
        """The discounts `order_id` redeemed, locked."""
        stmt = select(discounts).where(discounts.c.redeemed_order_id == order_id).order_by(discounts.c.id)
        return [_discount(r) for r in await self.session.execute(for_update(self.session, stmt))]

    async def save(self, d: Discount) -> None:
        await self.session.execute(update(discounts).where(discounts.c.id == d.id).values(**self._state(d)))

    @staticmethod
    def _state(d: Discount) -> dict[str, object]:
        return {"status": d.status, "redeemed_order_id": d.redeemed_order_id, "redeemed_at": d.redeemed_at,
                "revoked_reason": d.revoked_reason}
