"""The inputs and the output of a price-match verification."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pricing.domain.competitor_report import require_aware
from pricing.domain.competitors import EligibleCompetitor
from pricing.domain.money import Money
from pricing.domain.terms import DiscountTerms
from pricing.domain.variant import Purchase, SkuVariant

Outcome = Literal["approved", "rejected", "needs_review"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionContext:
    """What the service layer loads for one decision.

    - ``our_price``: our current price for the report's SKU; None when it is not for sale.
    - ``competitor``: the eligible-competitor entry for the report's ``competitor_id``, or None.
    - ``granted_matches``: when this customer was granted a match for this SKU (any later status,
      including expired and revoked); only those within the policy's ``match_window`` count.
    - ``prior_reports_in_last_day``: this customer's reports created in the 24 hours before this
      one, whatever their outcome, NOT counting this report.
    - ``now``: the decision time (timezone-aware); becomes ``Decision.decided_at``.
    - ``variant``: our SKU's dose, sessions and supply days from the catalog (None: not known yet).
    - ``purchase``: the customer's paid order of this SKU within the policy's after-purchase window
      (None: none). When set, ``our_price`` is what they paid per unit and an approval refunds the
      difference instead of granting a discount.
    """

    now: datetime
    our_price: Money | None
    competitor: EligibleCompetitor | None
    granted_matches: Sequence[datetime] = ()
    prior_reports_in_last_day: int = 0
    variant: SkuVariant | None = None
    purchase: Purchase | None = None

    def __post_init__(self) -> None:
        require_aware("now", self.now)
        for at in self.granted_matches:
            require_aware("granted_matches[]", at)
        if self.prior_reports_in_last_day < 0:
            raise ValueError("prior_reports_in_last_day must not be negative")


@dataclass(frozen=True, slots=True)
class Refund:
    """What an approved after-purchase report gives back on the paid order."""

    order_id: str
    units: int  # the units bought, at most the policy's max_units
    per_unit: int  # paid per unit - the promised final price
    currency: str

    @property
    def amount(self) -> int:
        return self.units * self.per_unit


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on a report.

    ``reasons`` are readable sentences: for a rejection every check that failed, for an escalation
    every doubt a person must resolve, for an approval one sentence saying why it passed. ``codes``
    names the same checks, one stable code per reason, for metrics and clients. ``discount`` (the
    terms) is set exactly when the outcome is ``approved``; ``refund`` too when the report came after
    a purchase (then no discount is granted: the difference is refunded).
    """

    outcome: Outcome
    reasons: list[str]
    discount: DiscountTerms | None = None
    decided_at: datetime = field(kw_only=True)
    codes: list[str] = field(default_factory=list, kw_only=True)
    refund: Refund | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if self.outcome not in ("approved", "rejected", "needs_review"):
            raise ValueError(f"unknown outcome {self.outcome!r}")
        if not self.reasons:
            raise ValueError("a decision needs at least one reason")
        if (self.outcome == "approved") != (self.discount is not None):
            raise ValueError("discount terms come with an approval, and only with an approval")
        if self.refund is not None and self.outcome != "approved":
            raise ValueError("a refund comes only with an approval")
        require_aware("decided_at", self.decided_at)
