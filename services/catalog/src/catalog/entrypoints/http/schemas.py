"""The catalog's HTTP shapes (kept apart from the tables).
Names follow docs/product-rules.md#names-the-clients-rely-on."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from catalog.domain.vocabulary import Category, Condition, Route, Status
from clinic_shared.regions import US_STATES

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=1, max_length=120)]
SkuCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$", min_length=2, max_length=64)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class SkuIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: SkuCode
    label: Text200
    dose: Annotated[str, StringConstraints(max_length=100)] | None = None
    sessions: Annotated[int, Field(ge=1, le=1000)] | None = None
    supply_days: Annotated[int, Field(ge=1, le=3650)] | None = None


def _states(regions: list[str]) -> list[str]:
    bad = sorted({r for r in regions if r not in US_STATES})
    if bad:
        raise ValueError(f"unknown US state code(s): {', '.join(bad)}")
    return sorted(set(regions))


def _unique_skus(skus: list[SkuIn]) -> list[SkuIn]:
    codes = [s.sku for s in skus]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise ValueError(f"duplicate SKU(s): {', '.join(dupes)}")
    return skus


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: Slug
    name: Text200
    description: Annotated[str, StringConstraints(max_length=20000)] = ""
    category: Category
    route: Route | None = None
    conditions: Annotated[list[Condition], Field(max_length=20)] = []
    regions: Annotated[list[str], Field(min_length=1, max_length=60)]
    requires_evaluation: bool = False
    status: Status = Status.draft
    skus: Annotated[list[SkuIn], Field(min_length=1, max_length=50)]

    _v_regions = field_validator("regions")(_states)
    _v_skus = field_validator("skus")(_unique_skus)


class ProductPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: Slug | None = None
    name: Text200 | None = None
    description: Annotated[str, StringConstraints(max_length=20000)] | None = None
    category: Category | None = None
    route: Route | None = None
    conditions: Annotated[list[Condition], Field(max_length=20)] | None = None
    regions: Annotated[list[str], Field(min_length=1, max_length=60)] | None = None
    requires_evaluation: bool | None = None
    status: Status | None = None
    skus: Annotated[list[SkuIn], Field(min_length=1, max_length=50)] | None = None

    @field_validator("regions")
    @classmethod
    def _regions(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else _states(v)

    @field_validator("skus")
    @classmethod
    def _skus(cls, v: list[SkuIn] | None) -> list[SkuIn] | None:
        return None if v is None else _unique_skus(v)


class SkuOut(BaseModel):
    sku: str
    label: str
    dose: str | None
    sessions: int | None
    supply_days: int | None


class ProductOut(BaseModel):
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
    skus: list[SkuOut]
    version: int
    created_at: datetime | None
    updated_at: datetime | None


class ProductList(BaseModel):
    items: list[ProductOut]
    total: int
    limit: int
    offset: int
