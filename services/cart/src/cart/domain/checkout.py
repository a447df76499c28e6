"""The rules a cart must meet at checkout, checked again against the latest read models."""

from __future__ import annotations

from dataclasses import dataclass

from cart.domain.money import fmt
from cart.domain.pricing import PricedCart


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    sku: str | None = None


def refusals(priced: PricedCart, region: str, has_paid_evaluation: bool, minimum_charge: int = 0) -> list[Refusal]:
    """Why this cart cannot be checked out for a customer in `region` (empty: it can). A total under the
    payment provider's minimum charge (`minimum_charge`, minor units) cannot be paid and is refused here."""
    if not priced.lines:
        return [Refusal("empty_cart", "Your cart is empty.")]
    found: list[Refusal] = []
    if len({p.currency for p in priced.lines}) > 1:
        found.append(Refusal("mixed_currencies", "The items in this cart are priced in different currencies."))
    for p in priced.lines:
        sku = p.line.sku
        if not p.available or p.product is None:
            found.append(Refusal("unavailable", f"{sku} is no longer for sale.", sku))
            continue
        if region not in p.product.regions:
            found.append(Refusal("not_sold_in_region", f"{p.product.name} ({sku}) is not sold in {region}.", sku))
        if p.product.requires_evaluation and not has_paid_evaluation:
            found.append(Refusal(
                "evaluation_required",
                f"{p.product.name} ({sku}) requires a paid evaluation on file; "
                "buy and pay for an evaluation first" + (" (signed in)." if priced.cart.anonymous else "."),
                sku,
            ))
    if not found and priced.total < max(minimum_charge, 1):
        found.append(Refusal(
            "below_minimum_charge",
            f"The total {fmt(priced.total, priced.currency)} is under the smallest amount the payment provider "
            f"accepts ({fmt(max(minimum_charge, 1), priced.currency)}); add an item to check out."))
    return found
