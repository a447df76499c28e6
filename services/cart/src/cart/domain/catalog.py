"""What the cart knows of other services, built from their events: products, prices, discounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

EVALUATION = "evaluation"  # the catalog category whose paid order satisfies `requires_evaluation`


@dataclass(frozen=True)
class ProductInfo:
    product_id: str
    name: str
    category: str
    status: str  # draft, active or archived, as the catalog says
    regions: frozenset[str]
    requires_evaluation: bool
    version: int

    @property
    def for_sale(self) -> bool:
        return self.status == "active"

    @property
    def is_evaluation(self) -> bool:
        return self.category == EVALUATION


@dataclass(frozen=True)
class Price:
    sku: str
    unit_price: int
    currency: str
    version: int


class DiscountStatus(StrEnum):
    granted = "granted"
    redeemed = "redeemed"
    expired = "expired"
    revoked = "revoked"


@dataclass(frozen=True)
class Discount:
    """A customer's price-match discount for one SKU: `amount_off` minor units off each unit."""

    discount_id: str
    customer_id: str
    sku: str
    amount_off: int
    currency: str
    expires_at: datetime
    status: DiscountStatus
    report_id: str | None = None

    def usable(self, now: datetime) -> bool:
        return self.status is DiscountStatus.granted and self.expires_at > now and self.amount_off > 0
