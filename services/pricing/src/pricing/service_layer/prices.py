"""Prices: ops set them (a new version, a history row and a PriceChanged event), anyone reads them."""

from __future__ import annotations

from dataclasses import dataclass

from clinic_shared.application_errors import Invalid, NotFound
from clinic_shared.events.base import utcnow
from clinic_shared.runtime import ServiceRuntime
from pricing.adapters.prices import Price, PriceRepository
from pricing.adapters.sql import advisory_lock
from pricing.domain import validate_currency
from pricing.domain.events import PriceChanged


@dataclass(frozen=True)
class PriceView:
    price: Price
    for_sale: bool  # priced, and listed by the catalog on an active product


async def set_price(runtime: ServiceRuntime, sku: str, unit_price: int, currency: str, actor: str) -> PriceView:
    """Set a SKU's price. Setting the price it already has changes nothing and publishes nothing."""
    validate_currency(currency)
    if isinstance(unit_price, bool) or not isinstance(unit_price, int) or unit_price <= 0:
        raise Invalid("unit_price must be a positive integer of minor units")
    async with runtime.transaction() as tx:
        await advisory_lock(tx.session, f"pricing.price:{sku}")
        repo = PriceRepository(tx.session)
        current = await repo.get(sku, lock=True)
        if current is not None and (current.unit_price, current.currency) == (unit_price, currency):
            return PriceView(current, await repo.for_sale(sku))
        price = Price(sku, unit_price, currency, (current.version + 1) if current else 1, utcnow(), actor)
        await repo.put(price)
        tx.record(PriceChanged(sku, unit_price, currency, price.version,
                               current.unit_price if current else None, price.updated_at))
        return PriceView(price, await repo.for_sale(sku))


async def price_of(runtime: ServiceRuntime, sku: str) -> PriceView:
    async with runtime.sessions() as session:
        repo = PriceRepository(session)
        price = await repo.get(sku)
        if price is None:
            raise NotFound(f"No price for {sku}: it is not for sale.")
        return PriceView(price, await repo.for_sale(sku))


async def history_of(runtime: ServiceRuntime, sku: str) -> list[Price]:
    async with runtime.sessions() as session:
        history = await PriceRepository(session).history(sku)
    if not history:
        raise NotFound(f"No price for {sku} was ever set.")
    return history
