"""The ``Discount`` aggregate: a granted price match, usable in the cart until it expires."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pricing.domain.competitor_report import require_aware
from pricing.domain.errors import DiscountStateError, InvalidValue
from pricing.domain.events import (
    DiscountExpired,
    DiscountGranted,
    DiscountRedeemed,
    DiscountReinstated,
    DiscountRevoked,
    Event,
)
from pricing.domain.terms import DiscountTerms, promised_unit_price

DiscountStatus = Literal["granted", "redeemed", "expired", "revoked"]


@dataclass(eq=False, kw_only=True)
class Discount:
    """Per-unit discount on one SKU for one customer.

    granted --redeem--> redeemed;  granted --expire--> expired;  granted --revoke--> revoked;
    redeemed --reinstate (its order refunded in full, before the expiry)--> granted.
    ``amount_off`` and ``final_unit_price`` are the values shown at the grant; :meth:`price_now` applies
    the promise to today's price.
    A discount is usable while ``now < expires_at``; it may be expired from ``expires_at`` on.
    Its birth is recorded as ``DiscountGranted`` by the report that granted it.
    """

    id: str
    customer_id: str
    sku: str
    report_id: str
    amount_off: int
    final_unit_price: int
    currency: str
    expires_at: datetime
    granted_at: datetime
    percent_off: int = 20
    our_unit_price_at_grant: int = 0  # 0: unknown (granted before the v2 terms were stored)
    competitor_unit_price: int = 0
    region: str | None = None
    max_units: int = 1
    status: DiscountStatus = "granted"
    redeemed_order_id: str | None = None
    redeemed_at: datetime | None = None
    revoked_reason: str | None = None
    events: list[Event] = field(default_factory=list, repr=False)

    @classmethod
    def from_terms(
        cls, *, id: str, customer_id: str, report_id: str, terms: DiscountTerms, granted_at: datetime
    ) -> Discount:
        return cls(
            id=id,
            customer_id=customer_id,
            sku=terms.sku,
            report_id=report_id,
            amount_off=terms.amount_off,
            final_unit_price=terms.final_unit_price,
            currency=terms.currency,
            expires_at=terms.expires_at,
            granted_at=require_aware("granted_at", granted_at),
            percent_off=terms.percent_off,
            our_unit_price_at_grant=terms.our_unit_price,
            competitor_unit_price=terms.competitor_unit_price,
            region=terms.region,
            max_units=terms.max_units,
        )

    def price_now(self, current_unit_price: int) -> tuple[int, int]:
        """(amount off, final price) of one discounted unit at ``current_unit_price``, by the promise."""
        competitor = self.competitor_unit_price or self.final_unit_price + self.amount_off
        final = promised_unit_price(current_unit_price, competitor, self.percent_off, self.final_unit_price)
        return current_unit_price - final, final

    def line_total(self, current_unit_price: int, quantity: int) -> int:
        """What a line of ``quantity`` units costs today: at most ``max_units`` of them discounted."""
        if quantity < 0:
            raise ValueError("quantity must not be negative")
        units = min(quantity, self.max_units)
        return units * self.price_now(current_unit_price)[1] + (quantity - units) * current_unit_price

    def granted_event(self) -> DiscountGranted:
        """The event announcing this discount; the granting report records it."""
        return DiscountGranted(
            discount_id=self.id,
            customer_id=self.customer_id,
            sku=self.sku,
            report_id=self.report_id,
            amount_off=self.amount_off,
            final_unit_price=self.final_unit_price,
            currency=self.currency,
            expires_at=self.expires_at,
            granted_at=self.granted_at,
            percent_off=self.percent_off,
            our_unit_price=self.our_unit_price_at_grant,
            competitor_unit_price=self.competitor_unit_price,
            region=self.region or "",
            max_units=self.max_units,
        )

    def is_usable(self, now: datetime) -> bool:
        """True while the cart may apply it: granted and not yet at its expiry time."""
        return self.status == "granted" and now < self.expires_at

    def redeem(self, order_id: str, now: datetime) -> bool:
        """Mark it used by ``order_id``; False when already redeemed by that same order (a no-op).

        ``now`` is checked against the expiry: pass the time the order was placed (checkout re-checked
        the discount then), so a payment confirmed after the expiry still redeems.
        """
        if not order_id:
            raise ValueError("order_id is required")
        if self.status == "redeemed":
            if self.redeemed_order_id == order_id:
                return False
            raise DiscountStateError(f"discount {self.id} was already redeemed by another order")
        if self.status != "granted":
            raise DiscountStateError(f"discount {self.id} is {self.status} and cannot be redeemed")
        if now >= self.expires_at:
            raise DiscountStateError(f"discount {self.id} expired at {self.expires_at.isoformat()}")
        self.status, self.redeemed_order_id, self.redeemed_at = "redeemed", order_id, now
        self.events.append(DiscountRedeemed(self.id, self.customer_id, self.sku, order_id, now))
        return True

    def expire(self, now: datetime) -> bool:
        """Expire an unused discount at or after its expiry time; False if it already expired."""
        if self.status == "expired":
            return False
        if self.status != "granted":
            raise DiscountStateError(f"discount {self.id} is {self.status} and cannot expire")
        if now < self.expires_at:
            raise DiscountStateError(f"discount {self.id} is valid until {self.expires_at.isoformat()}")
        self.status = "expired"
        self.events.append(DiscountExpired(self.id, self.customer_id, self.sku, now))
        return True

    def revoke(self, reason: str, now: datetime) -> None:
        """Withdraw an unused discount (ops); a redeemed, expired or revoked one cannot be revoked."""
        if not reason or not reason.strip():
            raise InvalidValue("a revocation needs a reason")
        if self.status != "granted":
            raise DiscountStateError(f"discount {self.id} is {self.status} and cannot be revoked")
        self.status, self.revoked_reason = "revoked", reason.strip()
        self.events.append(DiscountRevoked(self.id, self.customer_id, self.sku, reason.strip(), now))

    def reinstate(self, order_id: str, now: datetime) -> bool:
        """The order that redeemed it was refunded in full: usable again if not yet expired.

        False (nothing changes) when it was not redeemed by ``order_id`` or its expiry has passed.
        """
        if self.status != "redeemed" or self.redeemed_order_id != order_id or now >= self.expires_at:
            return False
        self.status, self.redeemed_order_id, self.redeemed_at = "granted", None, None
        self.events.append(DiscountReinstated(self.id, self.customer_id, self.sku, order_id, self.expires_at, now))
        return True
