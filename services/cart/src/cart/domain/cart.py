"""The cart: lines with the price the customer saw. Anonymous (by its token) or a customer's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from clinic_shared.application_errors import Conflict, NotFound

MAX_QUANTITY = 99
MAX_LINES = 50


class CartStatus(StrEnum):
    open = "open"
    checked_out = "checked_out"  # an order was made from it; it no longer changes
    merged = "merged"  # an anonymous cart folded into a customer's on sign-in


class CartError(Conflict):
    """A change the cart refuses; the message says why, in words."""


class CartClosed(CartError):
    pass


class LineNotFound(NotFound, CartError):
    """A cart refusal that is a "not found" (listed first among the bases) rather than a conflict."""


class CartLimit(CartError):
    """Over the most lines a cart holds: refused whole, nothing is dropped."""


@dataclass
class CartLine:
    id: str
    sku: str
    quantity: int
    unit_price_seen: int
    currency: str
    added_at: datetime


@dataclass
class Cart:
    id: str
    customer_id: str | None
    token_hash: str | None
    status: CartStatus
    created_at: datetime
    updated_at: datetime
    lines: list[CartLine] = field(default_factory=list)
    merged_into: str | None = None

    @property
    def anonymous(self) -> bool:
        return self.customer_id is None

    def ensure_open(self) -> None:
        if self.status is CartStatus.checked_out:
            raise CartClosed("This cart has been checked out and can no longer change.")
        if self.status is CartStatus.merged:
            raise CartClosed(f"This cart was merged into cart {self.merged_into}.")

    def line(self, line_id: str) -> CartLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise LineNotFound(f"No line {line_id} in this cart.")

    def add(self, *, line_id: str, sku: str, quantity: int, unit_price: int, currency: str, now: datetime) -> CartLine:
        """Add units of a SKU at the price shown now. Adding a SKU again adds to its line (at the new price)."""
        self.ensure_open()
        if any(line.currency != currency for line in self.lines):
            raise CartError(f"{sku} is priced in {currency}, and this cart holds items in another currency.")
        for line in self.lines:
            if line.sku == sku:
                _check_quantity(line.quantity + quantity)
                line.quantity += quantity
                line.unit_price_seen = unit_price
                self.updated_at = now
                return line
        _check_quantity(quantity)
        if len(self.lines) >= MAX_LINES:
            raise CartError(f"A cart holds at most {MAX_LINES} different items.")
        line = CartLine(line_id, sku, quantity, unit_price, currency, now)
        self.lines.append(line)
        self.updated_at = now
        return line

    def change_quantity(self, line_id: str, quantity: int, now: datetime) -> CartLine:
        self.ensure_open()
        line = self.line(line_id)
        _check_quantity(quantity)
        line.quantity = quantity
        self.updated_at = now
        return line

    def remove(self, line_id: str, now: datetime) -> None:
        self.ensure_open()
        self.lines.remove(self.line(line_id))
        self.updated_at = now

    def absorb(self, other: Cart, now: datetime) -> None:
        """Fold an anonymous cart into this (the customer's) one: same SKU adds up, capped at the maximum.
        A merge that would pass the line limit is refused (CartLimit) and changes neither cart.

        A SKU already here keeps this cart's line (and the price seen on it); new SKUs come over as they were.
        """
        self.ensure_open()
        other.ensure_open()
        mine = {line.sku: line for line in self.lines}
        new = [theirs for theirs in other.lines if theirs.sku not in mine]
        if len(self.lines) + len(new) > MAX_LINES:
            raise CartLimit(f"Merging would make {len(self.lines) + len(new)} different items; a cart holds at most "
                            f"{MAX_LINES}. Remove {len(self.lines) + len(new) - MAX_LINES} and merge again.")
        for theirs in other.lines:
            if theirs.sku in mine:
                mine[theirs.sku].quantity = min(mine[theirs.sku].quantity + theirs.quantity, MAX_QUANTITY)
            else:
                self.lines.append(CartLine(theirs.id, theirs.sku, theirs.quantity, theirs.unit_price_seen,
                                           theirs.currency, theirs.added_at))
        other.lines = []
        other.status = CartStatus.merged
        other.merged_into = self.id
        other.updated_at = self.updated_at = now


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise CartError(f"A line's quantity must be between 1 and {MAX_QUANTITY}, not {quantity}.")
