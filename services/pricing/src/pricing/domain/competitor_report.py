"""What a customer reports: a lower price they found for one of our SKUs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pricing.domain.competitors import host_of, validate_region
from pricing.domain.errors import InvalidValue
from pricing.domain.money import Money
from pricing.domain.policy import PRICE_KINDS, PriceKind


def require_aware(name: str, value: datetime) -> datetime:
    """Domain times are timezone-aware; a naive datetime is a programming error."""
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(f"{name} must be a timezone-aware datetime")
    return value


@dataclass(frozen=True, slots=True)
class CompetitorReport:
    """A customer's claim, as submitted (a value: it never changes once received).

    ``sku`` names our SKU: the customer asserts the competitor sells the same treatment
    (drug, route, dose, quantity). ``price_kind`` is declared by the reporter. Proof is a URL,
    a reference to an uploaded quote, or both. ``created_at`` is set by the server on receipt.
    """

    report_id: str
    customer_id: str
    sku: str
    competitor_id: str
    competitor_url: str
    competitor_price: Money
    region: str
    observed_at: datetime
    created_at: datetime
    price_kind: PriceKind = "regular"
    proof_url: str | None = None
    quote_ref: str | None = None
    # What the competitor sells, as the customer read it: compared with our SKU's variant.
    competitor_product: str | None = None
    competitor_strength: str | None = None
    competitor_quantity: int | None = None

    def __post_init__(self) -> None:
        for name in ("report_id", "customer_id", "sku", "competitor_id"):
            if not getattr(self, name):
                raise InvalidValue(f"{name} is required")
        host_of(self.competitor_url)
        if not isinstance(self.competitor_price, Money) or self.competitor_price.amount <= 0:
            raise InvalidValue("competitor_price must be a positive Money amount")
        validate_region(self.region)
        require_aware("observed_at", self.observed_at)
        require_aware("created_at", self.created_at)
        if self.price_kind not in PRICE_KINDS:
            raise InvalidValue(f"price_kind must be one of {sorted(PRICE_KINDS)}, got {self.price_kind!r}")
        if not self.proof_url and not self.quote_ref:
            raise InvalidValue("a report needs proof: a proof_url or a quote_ref")
        if self.proof_url:
            host_of(self.proof_url)
        qty = self.competitor_quantity
        if qty is not None and (isinstance(qty, bool) or not isinstance(qty, int) or qty < 1):
            raise InvalidValue("competitor_quantity must be a positive whole number")
