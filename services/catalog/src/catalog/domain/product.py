"""A product (a treatment or consultation) and its SKUs. Plain data with its few invariants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from catalog.domain.vocabulary import Category, Condition, Route, Status
from clinic_shared.application_errors import Invalid
from clinic_shared.regions import US_STATES


class ProductInvalid(Invalid):
    """A product that breaks a catalog rule; the message says which, in words (also a ValueError)."""

    default_title = "Invalid product"


@dataclass
class Sku:
    sku: str
    label: str
    dose: str | None = None
    sessions: int | None = None
    supply_days: int | None = None


@dataclass
class Product:
    id: str
    slug: str
    name: str
    description: str
    category: Category
    route: Route | None
    conditions: list[Condition]
    regions: list[str]
    requires_evaluation: bool
    status: Status
    skus: list[Sku]
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def check(self) -> None:
        if not self.skus:
            raise ProductInvalid("A product needs at least one SKU.")
        seen: set[str] = set()
        for s in self.skus:
            if s.sku in seen:
                raise ProductInvalid(f"SKU {s.sku} appears twice in this product.")
            seen.add(s.sku)
        bad = sorted(set(self.regions) - US_STATES)
        if bad:
            raise ProductInvalid(f"Unknown US state code(s): {', '.join(bad)}.")
        if not self.regions:
            raise ProductInvalid("A product must be sold in at least one region.")

    @property
    def for_sale(self) -> bool:
        return self.status is Status.active
