"""Pricing a cart: each line at the price seen and the current price, the customer's discount, totals.

The one rule for a discount: `amount_off` minor units off each unit, in the price's currency, never more
than the unit price; of several usable discounts for a SKU the largest applies. Nothing is rounded here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from cart.domain.cart import Cart, CartLine
from cart.domain.catalog import Discount, Price, ProductInfo
from cart.domain.money import fmt


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    product: ProductInfo | None
    unit_price: int
    currency: str
    discount: int
    discount_id: str | None
    available: bool
    notices: tuple[str, ...]

    @property
    def price_changed(self) -> bool:
        return self.unit_price != self.line.unit_price_seen

    @property
    def final_unit_price(self) -> int:
        return self.unit_price - self.discount

    @property
    def line_total(self) -> int:
        return self.final_unit_price * self.line.quantity


@dataclass(frozen=True)
class PricedCart:
    cart: Cart
    lines: tuple[PricedLine, ...]
    currency: str

    @property
    def subtotal(self) -> int:
        return sum(p.unit_price * p.line.quantity for p in self.lines)

    @property
    def discount_total(self) -> int:
        return sum(p.discount * p.line.quantity for p in self.lines)

    @property
    def total(self) -> int:
        return sum(p.line_total for p in self.lines)

    @property
    def notices(self) -> list[str]:
        return [n for p in self.lines for n in p.notices]


def best_discount(discounts: Iterable[Discount], sku: str, price: Price, now: datetime) -> Discount | None:
    usable = [d for d in discounts if d.sku == sku and d.currency == price.currency and d.usable(now)]
    return max(usable, key=lambda d: (d.amount_off, d.discount_id), default=None)


def price_line(line: CartLine, product: ProductInfo | None, price: Price | None,
               discounts: Iterable[Discount], now: datetime) -> PricedLine:
    name = product.name if product else line.sku
    if product is None or price is None or not product.for_sale:
        return PricedLine(line, product, line.unit_price_seen, line.currency, 0, None, False,
                          (f"{name} is no longer available; remove it to check out.",))
    notices: list[str] = []
    if price.unit_price != line.unit_price_seen:
        notices.append(f"The price of {name} changed from {fmt(line.unit_price_seen, line.currency)} "
                       f"to {fmt(price.unit_price, price.currency)} since you added it.")
    chosen = best_discount(discounts, line.sku, price, now)
    off = min(chosen.amount_off, price.unit_price) if chosen else 0
    if chosen:
        notices.append(f"Your price-match discount takes {fmt(off, price.currency)} off each {name}.")
    return PricedLine(line, product, price.unit_price, price.currency, off,
                      chosen.discount_id if chosen else None, True, tuple(notices))


def price_cart(cart: Cart, products: Mapping[str, ProductInfo], prices: Mapping[str, Price],
               discounts: Iterable[Discount], now: datetime, default_currency: str) -> PricedCart:
    """Discounts are the cart owner's (an anonymous cart has none)."""
    mine = [d for d in discounts if cart.customer_id is not None and d.customer_id == cart.customer_id]
    lines = tuple(price_line(line, products.get(line.sku), prices.get(line.sku), mine, now) for line in cart.lines)
    currency = lines[0].currency if lines else default_currency
    return PricedCart(cart, lines, currency)
