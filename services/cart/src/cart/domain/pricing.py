"""Pricing a cart: each line at the price seen and the current price, the customer's discount, totals.

What a price-match discount means in money (docs/product-rules.md#what-a-discount-is-worth), per discounted unit:

    basis      = min(our current unit price, the competitor's unit price at the report)
    amount_off = ceil(basis * percent_off / 100)              (rounded once, in the customer's favour)
    final      = min(final unit price shown at the grant, basis - amount_off)

The discount shown per unit is `current - final`. It applies to at most `max_units` units of a line, only
for delivery in the discount's region (when one is given), and never makes a unit free: a final price at
or below zero means the discount cannot apply (the cart says so). Of several usable discounts for a SKU
the one giving the lowest final price applies. A discount another order holds (awaiting payment) is shown
as in use, and not applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from cart.domain.cart import Cart, CartLine
from cart.domain.catalog import Discount, DiscountStatus, Price, ProductInfo
from cart.domain.money import fmt


def ceil_percent(amount: int, percent: int) -> int:
    """`percent`% of `amount`, rounded up to the minor unit, in integers only."""
    return -(-amount * percent // 100)


def discounted_unit_price(current: int, d: Discount) -> int:
    """The final price of one discounted unit at today's price `current` (may be <= 0: then it cannot apply)."""
    basis = min(current, d.competitor_unit_price)
    return min(d.final_unit_price_at_grant, basis - ceil_percent(basis, d.percent_off))


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    product: ProductInfo | None
    unit_price: int
    currency: str
    discount: int  # per discounted unit
    discount_id: str | None
    available: bool
    notices: tuple[str, ...]
    discounted_units: int = 0

    @property
    def price_changed(self) -> bool:
        return self.unit_price != self.line.unit_price_seen

    @property
    def final_unit_price(self) -> int:
        """The price of each discounted unit (of every unit when no discount applies)."""
        return self.unit_price - self.discount

    @property
    def line_total(self) -> int:
        full_units = self.line.quantity - self.discounted_units
        return self.final_unit_price * self.discounted_units + self.unit_price * full_units

    @property
    def discount_total(self) -> int:
        return self.discount * self.discounted_units


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
        return sum(p.discount_total for p in self.lines)

    @property
    def total(self) -> int:
        return sum(p.line_total for p in self.lines)

    @property
    def notices(self) -> list[str]:
        return [n for p in self.lines for n in p.notices]

    @property
    def discount_ids(self) -> list[str]:
        return sorted({p.discount_id for p in self.lines if p.discount_id})


def _best(candidates: list[Discount], current: int) -> Discount | None:
    return min(candidates, key=lambda d: (discounted_unit_price(current, d), d.discount_id), default=None)


def price_line(line: CartLine, product: ProductInfo | None, price: Price | None, discounts: Iterable[Discount],
               now: datetime, *, region: str | None = None, held: Mapping[str, str] | None = None) -> PricedLine:
    """`region` is the checkout's delivery region (None while browsing); `held` maps a discount id to the
    other order that holds it."""
    held = held or {}
    name = product.name if product else line.sku
    if product is None or price is None or not product.for_sale:
        return PricedLine(line, product, line.unit_price_seen, line.currency, 0, None, False,
                          (f"{name} is no longer available; remove it to check out.",))
    notices: list[str] = []
    if price.unit_price != line.unit_price_seen:
        notices.append(f"The price of {name} changed from {fmt(line.unit_price_seen, line.currency)} "
                       f"to {fmt(price.unit_price, price.currency)} since you added it.")
    mine = [d for d in discounts if d.sku == line.sku and d.currency == price.currency]
    usable = [d for d in mine if d.usable(now)]
    free = [d for d in usable if d.discount_id not in held]
    in_region = [d for d in free if region is None or d.region is None or d.region == region]
    chosen = _best(in_region, price.unit_price)
    final = discounted_unit_price(price.unit_price, chosen) if chosen else 0
    if chosen is not None and final <= 0:
        notices.append(f"Your price-match discount cannot apply to {name} at {fmt(price.unit_price, price.currency)}: "
                       "it would make the item free.")
        chosen = None
    if chosen is None:
        notices.extend(_why_not(name, mine, usable, free, in_region, region, held, now))
        return PricedLine(line, product, price.unit_price, price.currency, 0, None, True, tuple(notices))
    units = min(line.quantity, chosen.max_units)
    off = price.unit_price - final
    notice = f"Your price-match discount takes {fmt(off, price.currency)} off each {name}"
    notice += f" (on {units} of {line.quantity})." if units < line.quantity else "."
    notices.append(notice)
    if chosen.region is not None and region is None:
        notices.append(f"The price-match discount on {name} holds for delivery in {chosen.region} only.")
    return PricedLine(line, product, price.unit_price, price.currency, off, chosen.discount_id, True,
                      tuple(notices), units)


def _why_not(name: str, mine: list[Discount], usable: list[Discount], free: list[Discount],
             in_region: list[Discount], region: str | None, held: Mapping[str, str], now: datetime) -> list[str]:
    if free and not in_region:
        regions = ", ".join(sorted({d.region for d in free if d.region}))
        return [f"Your price-match discount on {name} holds for delivery in {regions} only, not {region}; "
                "this item is charged without it."]
    if usable and not free:
        order = held[usable[0].discount_id]
        return [f"Your price-match discount on {name} is in use by order {order}, which awaits payment; "
                "it is released if that payment fails or is abandoned."]
    if not usable:
        ended = [d for d in mine if d.status is DiscountStatus.revoked
                 or (d.status in (DiscountStatus.granted, DiscountStatus.expired) and not d.live(now))]
        if ended:
            d = max(ended, key=lambda d: d.expires_at)
            if d.status is DiscountStatus.revoked:
                return [f"Your price-match discount on {name} was revoked."]
            return [f"Your price-match discount on {name} expired on {d.expires_at:%Y-%m-%d}."]
    return []


def price_cart(cart: Cart, products: Mapping[str, ProductInfo], prices: Mapping[str, Price],
               discounts: Iterable[Discount], now: datetime, default_currency: str, *, region: str | None = None,
               held: Mapping[str, str] | None = None) -> PricedCart:
    """Discounts are the cart owner's (an anonymous cart has none)."""
    mine = [d for d in discounts if cart.customer_id is not None and d.customer_id == cart.customer_id]
    lines = tuple(price_line(line, products.get(line.sku), prices.get(line.sku), mine, now, region=region, held=held)
                  for line in cart.lines)
    currency = lines[0].currency if lines else default_currency
    return PricedCart(cart, lines, currency)


def total_at_prices_seen(cart: Cart, products: Mapping[str, ProductInfo], discounts: Iterable[Discount],
                         now: datetime, default_currency: str, held: Mapping[str, str] | None = None) -> int:
    """The total the cart showed at the prices the customer saw (each line's `unit_price_seen`), with the
    discounts as the cart shows them before a region is chosen: what a checkout without `expected_total` is
    compared against."""
    seen = {ln.sku: Price(ln.sku, ln.unit_price_seen, ln.currency, 0) for ln in cart.lines}
    return price_cart(cart, products, seen, discounts, now, default_currency, held=held).total
