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
    final_unit_price: int = Field(description="what one unit costs with the discount")
    currency: str
    expires_at: datetime
    report_id: str
    granted_at: datetime
    redeemed_order_id: str | None
    redeemed_at: datetime | None
    revoked_reason: str | None


class DiscountList(BaseModel):
    items: list[DiscountOut]
    total: int
