"""The price-match policy: the settings ops can change, with their defaults
(docs/product-rules.md#the-policy-settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Literal, get_args

Basis = Literal["lower_of_ours_and_competitor"]
PriceKind = Literal["regular", "membership", "introductory", "bundle"]

BASES: frozenset[str] = frozenset(get_args(Basis))
PRICE_KINDS: frozenset[str] = frozenset(get_args(PriceKind))


@dataclass(frozen=True, slots=True)
class PriceMatchPolicy:
    """Settings of the price-match guarantee.

    - ``discount_percent``: the whole percentage taken off the basis price (1 <= p <= 50: above 50%
      the rounding up could take a price of two minor units to zero).
    - ``basis``: which price the percentage applies to: always the lower of our *current* price and
      the competitor's (the promise; the only basis the discount contract can express).
    - ``per_unit_cap_minor``: the most the WHOLE amount off (our price - final price) may be per unit for
      the policy to approve a report by itself; a report needing more goes to a person (None: no cap).
    - ``max_units``: how many units of one order line a discount applies to.
    - ``after_purchase_window``: how long after paying for a SKU a report on it refunds the difference.
    - ``discount_ttl``: how long a granted discount stays usable (never longer than ``match_window``).
    - ``report_recency``: how old an observation may be when the report is submitted.
    - ``implausible_floor_ratio``: a competitor price below this share of ours goes to human review.
    - ``match_window``: at most one granted match per customer and SKU within this window.
    - ``excluded_price_kinds``: price kinds the policy will not match.
    - ``max_reports_per_customer_per_day``: the per-customer rate limit on reports.
    - ``clock_skew``: how far in the future an observation time may be before it is refused.
    """

    discount_percent: int = 20
    basis: Basis = "lower_of_ours_and_competitor"
    per_unit_cap_minor: int | None = None
    max_units: int = 1
    after_purchase_window: timedelta = timedelta(days=14)
    discount_ttl: timedelta = timedelta(days=30)
    report_recency: timedelta = timedelta(days=7)
    implausible_floor_ratio: Decimal = Decimal("0.5")
    match_window: timedelta = timedelta(days=30)
    excluded_price_kinds: frozenset[str] = frozenset({"membership", "introductory", "bundle"})
    max_reports_per_customer_per_day: int = 5
    clock_skew: timedelta = timedelta(minutes=5)

    def __post_init__(self) -> None:
        pct = self.discount_percent
        if isinstance(pct, Decimal) and pct.is_finite() and pct == pct.to_integral_value():
            object.__setattr__(self, "discount_percent", pct := int(pct))
        if isinstance(pct, bool) or not isinstance(pct, int) or not 1 <= pct <= 50:
            raise ValueError("discount_percent must be a whole number from 1 to 50")
        if self.basis not in BASES:
            raise ValueError(f"basis must be one of {sorted(BASES)}, got {self.basis!r}")
        cap = self.per_unit_cap_minor
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 0):
            raise ValueError("per_unit_cap_minor must be None or a non-negative int of minor units")
        units = self.max_units
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:
            raise ValueError("max_units must be an int of at least 1")
        for name in ("discount_ttl", "report_recency", "match_window", "after_purchase_window"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"{name} must be positive")
        if self.discount_ttl > self.match_window:
            raise ValueError(
                "discount_ttl must not be longer than match_window: a discount outliving the window would let "
                "a second match for the same SKU be granted while the first is still usable")
        if self.clock_skew < timedelta(0):
            raise ValueError("clock_skew must not be negative")
        ratio = self.implausible_floor_ratio
        if not isinstance(ratio, Decimal) or not ratio.is_finite() or not Decimal(0) <= ratio <= Decimal(1):
            raise ValueError("implausible_floor_ratio must be a Decimal between 0 and 1")
        object.__setattr__(self, "excluded_price_kinds", frozenset(self.excluded_price_kinds))
        unknown = self.excluded_price_kinds - PRICE_KINDS
        if unknown:
            raise ValueError(f"unknown price kinds excluded: {sorted(unknown)}")
        limit = self.max_reports_per_customer_per_day
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError("max_reports_per_customer_per_day must be an int of at least 1")
