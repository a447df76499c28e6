"""Prices in and out: integer minor units next to an ISO 4217 currency."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from pricing.entrypoints.http.schemas.fields import Currency, MinorUnits


class PriceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit_price: MinorUnits
    currency: Currency


class PriceOut(BaseModel):
    sku: str
    unit_price: int
    currency: str
    version: int
    updated_at: datetime
    for_sale: bool = Field(description="priced, and listed by the catalog on an active product")


class PriceVersionOut(BaseModel):
    unit_price: int
    currency: str
    version: int
    changed_at: datetime
    changed_by: str


class PriceHistoryOut(BaseModel):
    sku: str
    items: list[PriceVersionOut]
