"""Our SKU's variant as the catalog describes it, and the purchases a price match may refund."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime


def normalised_strength(value: str) -> str:
    """``"100 mg"``, ``"100mg"`` and ``" 100 MG "`` are one strength."""
    return re.sub(r"\s+", "", value).casefold()


@dataclass(frozen=True, slots=True)
class SkuVariant:
    """Dose, sessions and days of supply of one SKU (from the catalog's events); None where it has none."""

    label: str | None = None
    dose: str | None = None
    sessions: int | None = None
    supply_days: int | None = None

    @property
    def quantity(self) -> tuple[int, str] | None:
        """What a competitor's quantity is compared with: (number, unit), sessions first."""
        if self.sessions is not None:
            return self.sessions, "sessions"
        if self.supply_days is not None:
            return self.supply_days, "days of supply"
        return None


@dataclass(frozen=True, slots=True)
class Purchase:
    """A paid order line of the SKU a report names: what the customer paid per unit, and for how many."""

    order_id: str
    quantity: int
    paid_unit_price: int  # per unit, after any discount the order used
    currency: str
    paid_at: datetime
