"""A cart priced from the read models, as of now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from cart.adapters.orders import OrderRepository
from cart.adapters.read_models import ReadModels
from cart.domain.cart import Cart, CartStatus
from cart.domain.catalog import Discount
from cart.domain.pricing import PricedCart, price_cart, total_at_prices_seen
from cart.settings import CartRuntime

DEFAULT_HOLD = timedelta(hours=1)


def hold_ttl(runtime: CartRuntime) -> timedelta:
    """How long an order awaiting payment holds its discounts (CART_PENDING_ORDER_TTL_SECONDS)."""
    seconds = runtime.settings.pending_order_ttl_seconds
    return timedelta(seconds=seconds) if seconds else DEFAULT_HOLD


def held_by_others(discounts: list[Discount], now: datetime, ttl: timedelta,
                   own_order: str | None = None) -> dict[str, str]:
    """The discounts another live order holds (its hold not lapsed), by id -> that order's id."""
    return {d.discount_id: d.reserved_by_order for d in discounts
            if d.reserved_by_order and d.reserved_by_order != own_order
            and d.reserved_at is not None and d.reserved_at > now - ttl}


@dataclass(frozen=True)
class Quote:
    priced: PricedCart
    total_seen: int  # the total at the prices the customer saw (see total_at_prices_seen)


async def quote(session: AsyncSession, cart: Cart, default_currency: str, now: datetime, *,
                region: str | None = None, ttl: timedelta = DEFAULT_HOLD) -> Quote:
    models = ReadModels(session)
    skus = [line.sku for line in cart.lines]
    products, prices = await models.products_and_prices(skus) if skus else ({}, {})
    discounts = await models.discounts_of(cart.customer_id, skus) if skus and cart.customer_id else []
    own = None
    if cart.status is CartStatus.checked_out and discounts:  # its own order's hold is not "in use elsewhere"
        own = await OrderRepository(session).id_of_cart(cart.id)
    held = held_by_others(discounts, now, ttl, own)
    return Quote(price_cart(cart, products, prices, discounts, now, default_currency, region=region, held=held),
                 total_at_prices_seen(cart, products, discounts, now, default_currency, held=held))


async def priced(session: AsyncSession, cart: Cart, default_currency: str, now: datetime, *,
                 region: str | None = None, ttl: timedelta = DEFAULT_HOLD) -> PricedCart:
    return (await quote(session, cart, default_currency, now, region=region, ttl=ttl)).priced
