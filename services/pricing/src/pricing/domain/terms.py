"""What an approved price match is worth: the discount terms, and the one money rule.

The promise: "20% off the lower of our price and the competitor's price, so the customer always
pays at least 20% less than the best price they found". Per discounted unit, in minor units
(the rule of the ``DiscountGrantedV2`` contract, which the cart applies the same way):

- ``basis = min(our CURRENT unit price, the competitor's reported unit price)``;
- ``amount_off(basis) = ceil(basis * percent_off / 100)``: rounded UP, in the customer's favour;
- ``final = min(final_unit_price_at_grant, basis - amount_off(basis))``: never above what the
  customer was shown when the match was granted, whatever our price does later;
- the discount shown per unit is ``current price - final``.

So the final price is always at most ``(100 - percent_off)%`` of the lower price, and above zero for
any basis of at least two minor units (``percent_off`` is at most 50). The per-unit cap and the unit
limit are policy settings: the cap is checked when the report is decided (see ``verification``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pricing.domain.competitor_report import require_aware
from pricing.domain.errors import CurrencyMismatchError, InvalidValue
from pricing.domain.money import Money, percent_of
from pricing.domain.policy import PriceMatchPolicy


def promised_unit_price(
    current_unit_price: int, competitor_unit_price: int, percent_off: int, final_unit_price_at_grant: int
) -> int:
    """The final price of one discounted unit today (the contract's rule)."""
    basis = min(current_unit_price, competitor_unit_price)
    return min(final_unit_price_at_grant, basis - percent_of(basis, percent_off))


@dataclass(frozen=True, slots=True)
class DiscountTerms:
    """A per-unit discount on one SKU, in minor units of ``currency``, as granted."""

    sku: str
    percent_off: int
    our_unit_price: int  # at the grant
    competitor_unit_price: int
    amount_off: int  # at the grant: our_unit_price - final_unit_price
    final_unit_price: int  # at the grant: never exceeded later
    currency: str
    region: str
    max_units: int
    expires_at: datetime

    @property
    def basis_price(self) -> Money:
        return Money(min(self.our_unit_price, self.competitor_unit_price), self.currency)


def terms_for(
    our_price: Money,
    competitor_price: Money,
    policy: PriceMatchPolicy,
    now: datetime,
    *,
    sku: str,
    region: str,
) -> DiscountTerms:
    """The discount for one SKU; used by auto-approval and by ops approving an escalated report.

    Raises ValueError when no positive price would be left (a basis under two minor units).
    """
    if our_price.currency != competitor_price.currency:
        raise CurrencyMismatchError(our_price.currency, competitor_price.currency)
    if our_price.amount <= 0 or competitor_price.amount <= 0:
        raise InvalidValue("prices must be positive")
    require_aware("now", now)
    percent = policy.discount_percent
    basis = min(our_price.amount, competitor_price.amount)
    final = basis - percent_of(basis, percent)
    if final <= 0:
        raise InvalidValue(f"a price of {Money(basis, our_price.currency)} leaves nothing to pay after "
                         f"{percent}% off, so it cannot be matched")
    return DiscountTerms(
        sku=sku,
        percent_off=percent,
        our_unit_price=our_price.amount,
        competitor_unit_price=competitor_price.amount,
        amount_off=our_price.amount - final,
        final_unit_price=final,
        currency=our_price.currency,
        region=region,
        max_units=policy.max_units,
        expires_at=now + policy.discount_ttl,
    )
