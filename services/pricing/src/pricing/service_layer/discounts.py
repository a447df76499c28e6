"""Discounts: a customer's own, ops revoking one, and the expiry of those left unused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.application_errors import NotFound
from clinic_shared.events.base import utcnow
from clinic_shared.principal import Principal
from clinic_shared.runtime import ServiceRuntime
from pricing.adapters.discounts import DiscountRepository
from pricing.adapters.prices import PriceRepository
from pricing.domain import Discount, DiscountStatus
from pricing.service_layer import metrics
from pricing.service_layer.boundary import after_commit


@dataclass(frozen=True)
class DiscountView:
    """A discount with what it is worth today: (amount off, final price) per unit at our current price."""

    discount: Discount
    current_unit_price: int | None
    amount_off_now_and_final: tuple[int, int] | None


async def _view(session: AsyncSession, discount: Discount) -> DiscountView:
    price = await PriceRepository(session).our_price(discount.sku)
    if price is None or price.currency != discount.currency:
        return DiscountView(discount, None, None)
    return DiscountView(discount, price.amount, discount.price_now(price.amount))


async def view(runtime: ServiceRuntime, discount: Discount) -> DiscountView:
    async with runtime.sessions() as session:
        return await _view(session, discount)


async def discounts_of(
    runtime: ServiceRuntime, customer_id: str, status: DiscountStatus | None, limit: int, offset: int
) -> tuple[list[DiscountView], int]:
    async with runtime.sessions() as session:
        items, total = await DiscountRepository(session).of_customer(customer_id, status, limit, offset)
        return [await _view(session, d) for d in items], total


async def discount_for(runtime: ServiceRuntime, discount_id: str, viewer: Principal) -> DiscountView:
    async with runtime.sessions() as session:
        discount = await DiscountRepository(session).get(discount_id)
        if discount is None or not (viewer.has("ops") or discount.customer_id == viewer.sub):
            raise NotFound(f"No discount with id {discount_id}.")
        return await _view(session, discount)


async def revoke_discount(runtime: ServiceRuntime, discount_id: str, reason: str) -> Discount:
    """Ops withdraw an unused discount. Revoking a revoked one again changes nothing."""
    async with runtime.transaction() as tx:
        repo = DiscountRepository(tx.session)
        discount = await repo.get(discount_id, lock=True)
        if discount is None:
            raise NotFound(f"No discount with id {discount_id}.")
        if discount.status == "revoked":
            return discount
        discount.revoke(reason, utcnow())
        await repo.save(discount)
        tx.track(discount)
        after_commit(tx.session, partial(metrics.discount_event, "revoked", discount))
    return discount


def _expired(discounts: list[Discount]) -> None:
    for discount in discounts:
        metrics.discount_event("expired", discount)


async def expire_due(runtime: ServiceRuntime, now: datetime, grace: timedelta, batch: int = 100) -> int:
    """Expire unused discounts whose expiry passed more than `grace` ago; returns how many.

    The grace lets an order placed before the expiry, and paid a little later, still redeem its discount.
    """
    async with runtime.transaction() as tx:
        repo = DiscountRepository(tx.session)
        due = await repo.due_for_expiry(now - grace, batch)
        for discount in due:
            discount.expire(now)
            await repo.save(discount)
            tx.track(discount)
        after_commit(tx.session, partial(_expired, due))
    return len(due)
