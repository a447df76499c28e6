"""Events of the catalog: products published, updated, archived (topic catalog.product.v1)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel

from clinic_shared.events.base import Event
from clinic_shared.events.topics import CATALOG_PRODUCT


class SkuSnapshot(BaseModel):
    sku: str
    label: str
    dose: str | None = None
    sessions: int | None = None
    supply_days: int | None = None


class _ProductState(Event):
    TOPIC: ClassVar[str] = CATALOG_PRODUCT
    KEY_FIELD: ClassVar[str] = "product_id"

    product_id: str
    slug: str
    name: str
    category: str
    route: str | None
    conditions: list[str]
    regions: list[str]
    requires_evaluation: bool
    status: str
    skus: list[SkuSnapshot]
    version: int


class ProductPublished(_ProductState):
    """A product became active (for sale). Carries the whole product."""

    TYPE: ClassVar[str] = "clinic.catalog.product-published.v1"


class ProductUpdated(_ProductState):
    """A product changed. Carries the whole product as it is now."""

    TYPE: ClassVar[str] = "clinic.catalog.product-updated.v1"


class ProductArchived(Event):
    """A product was taken off sale everywhere."""

    TYPE: ClassVar[str] = "clinic.catalog.product-archived.v1"
    TOPIC: ClassVar[str] = CATALOG_PRODUCT
    KEY_FIELD: ClassVar[str] = "product_id"

    product_id: str
    slug: str
    skus: list[str]
    version: int
