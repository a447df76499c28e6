"""What an approved price match is worth: the discount terms.

The promise: "20% off the lower of our price and the competitor's price, so the customer always
pays at least 20% less than the best price they found". The model, per unit, in minor units:

- ``basis`` is the price the percentage applies to: by default ``min(ours, competitor)``
  (the policy may say ``ours`` or ``competitor``);
- ``portion = percent_of(basis, percent)`` (the one rounding rule: half-up to the minor unit),
  bounded by the policy's ``per_unit_cap_minor`` when set; the cap bounds only this portion,
  never the price-match part ``ours - basis``;
- ``final_unit_price = min(basis - portion, ours)``: what the customer pays per unit, never more
  than our current price and never negative;
- ``amount_off = ours - final_unit_price``: what the cart takes off *our current price* per unit.

So ``amount_off + final_unit_price == ours`` always, and with the defaults the customer pays
``basis - round_half_up(basis * 20%)``. The terms are fixed when granted: a later change of our
price does not change ``final_unit_price`` (the cart re-checks at checkout).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pricing.domain.competitor_report import require_aware
from pricing.domain.errors import CurrencyMismatchError
from pricing.domain.money import Money, percent_of
from pricing.domain.policy import PriceMatchPolicy


@dataclass(frozen=True, slots=True)
class DiscountTerms:
    """A per-unit discount on one SKU, in minor units of ``currency``."""

    sku: str
    basis_price: Money
    amount_off: int
    final_unit_price: int
    currency: str
    expires_at: datetime

    @property
    def our_unit_price(self) -> int:
        """Our price when the terms were set (``amount_off + final_unit_price``)."""
        return self.amount_off + self.final_unit_price


def basis_price(our_price: Money, competitor_price: Money, policy: PriceMatchPolicy) -> Money:
    if policy.basis == "ours":
        return our_price
    if policy.basis == "competitor":
        return competitor_price
    return min(our_price, competitor_price)


def terms_for(
    our_price: Money,
    competitor_price: Money,
    policy: PriceMatchPolicy,
    now: datetime,
    *,
    sku: str,
) -> DiscountTerms:
    """The discount for one SKU; used by auto-approval and by ops approving an escalated report."""
    if our_price.currency != competitor_price.currency:
        raise CurrencyMismatchError(our_price.currency, competitor_price.currency)
    if our_price.amount < 0 or competitor_price.amount < 0:
        raise ValueError("prices must not be negative")
    require_aware("now", now)
    basis = basis_price(our_price, competitor_price, policy)
    portion = percent_of(basis.amount, policy.discount_percent)
    if policy.per_unit_cap_minor is not None:
        portion = min(portion, policy.per_unit_cap_minor)
    final = max(0, min(basis.amount - portion, our_price.amount))
    return DiscountTerms(
        sku=sku,
        basis_price=basis,
        amount_off=our_price.amount - final,
        final_unit_price=final,
        currency=our_price.currency,
        expires_at=now + policy.discount_ttl,
    )
