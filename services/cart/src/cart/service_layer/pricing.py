"""A cart priced from the read models, as of now."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cart.adapters.read_models import ReadModels
from cart.domain.cart import Cart
from cart.domain.pricing import PricedCart, price_cart


async def priced(session: AsyncSession, cart: Cart, default_currency: str, now: datetime) -> PricedCart:
    models = ReadModels(session)
    skus = [line.sku for line in cart.lines]
    products = await models.products_for(skus) if skus else {}
    prices = await models.prices_for(skus) if skus else {}
    discounts = await models.discounts_of(cart.customer_id, skus) if skus and cart.customer_id else []
    return price_cart(cart, products, prices, discounts, now, default_currency)
