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
    """A customer's price-match discount for one SKU, with what it means in money (see `final_unit_price`).

    `amount_off` and `final_unit_price_at_grant` are what the customer was shown at the grant; the price
    actually charged follows today's price by the rule in `cart.domain.pricing.discounted_unit_price`.
    `region` None holds anywhere (a v1 grant, which did not carry one). `reserved_by_order` is the order
    awaiting payment that holds it (one discount serves one order).
    """

    discount_id: str
    customer_id: str
    sku: str
    amount_off: int
    currency: str
    expires_at: datetime
    status: DiscountStatus
    report_id: str | None = None
    percent_off: int = 20
    competitor_unit_price: int = 0
    final_unit_price_at_grant: int = 0
    region: str | None = None
    max_units: int = 1
    reserved_by_order: str | None = None
    reserved_at: datetime | None = None

    def live(self, now: datetime) -> bool:
        """Granted and unexpired (whether or not an order holds it)."""
        return self.status is DiscountStatus.granted and self.expires_at > now

    def usable(self, now: datetime) -> bool:
        return self.live(now) and self.max_units > 0 and 0 < self.percent_off < 100
