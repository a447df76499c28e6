"""Discounts out."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from pricing.domain import DiscountStatus


class DiscountOut(BaseModel):
    id: str
    sku: str
    status: DiscountStatus
    amount_off: int = Field(description="per unit, off our price when granted")
    final_unit_price: int = Field(description="what one unit cost with the discount when granted (never exceeded)")
    currency: str
    expires_at: datetime
    report_id: str
    granted_at: datetime
    redeemed_order_id: str | None
    order_id: str | None = Field(description="the order that used it (same as redeemed_order_id)")
    redeemed_at: datetime | None
    revoked_reason: str | None
    percent_off: int
    our_unit_price_at_grant: int
    competitor_unit_price: int
    region: str | None = Field(description="the US state it holds in")
    max_units: int = Field(description="units of one order line it applies to")
    current_unit_price: int | None = Field(description="our price today (None: not for sale now)")
    amount_off_now: int | None = Field(description="per unit, off today's price, by the promise")
    final_unit_price_now: int | None = Field(description="what one unit costs today with the discount")


class DiscountList(BaseModel):
    items: list[DiscountOut]
    total: int
