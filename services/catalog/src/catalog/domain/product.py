"""A product (a treatment or consultation) and its SKUs. Plain data with its few invariants."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime

from catalog.domain.events import ProductArchived, ProductChanged, ProductEvent, ProductPutOnSale, ProductWithdrawn
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
    # What this product records for downstream (not stored; not copied by `dataclasses.replace`).
    events: list[ProductEvent] = field(default_factory=list, init=False, repr=False, compare=False)

    def record_saved(self, before: Product | None) -> None:
        """Record what this version, saved after `before` (None: a new product), means downstream:
        on sale now, changed while on sale, or taken off sale; nothing for a draft that stays one."""
        if self.for_sale:
            on_sale_before = before is not None and before.for_sale
            self.events.append(ProductChanged(self._copy()) if on_sale_before else ProductPutOnSale(self._copy()))
        elif before is not None and before.for_sale:
            self.events.append(ProductWithdrawn(self._copy()))

    def record_archived(self) -> None:
        self.events.append(ProductArchived(self._copy()))

    def _copy(self) -> Product:
        kept = copy.deepcopy(self)
        kept.events.clear()
        return kept

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
