"""The price-match policy as customers see it, and the review queue's figures for ops."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PolicyOut(BaseModel):
    percent_off: int = Field(description="taken off the lower of our current price and the competitor's")
    basis: str
    per_unit_cap: int | None = Field(description="minor units: the most taken off per unit without a person's review")
    max_units: int = Field(description="units of one order line a discount applies to")
    window_days: float = Field(description="one granted match per customer and SKU within this many days")
    discount_valid_days: float
    report_recency_days: float
    after_purchase_window_days: float = Field(description="a report this long after paying refunds the difference")
    excluded_price_kinds: list[str]
    rounding: str = "the amount off is rounded up to the minor unit (in the customer's favour)"


class ReviewFiguresOut(BaseModel):
    review_backlog: int = Field(description="reports waiting for a person")
    oldest_wait_seconds: float | None = Field(description="how long the oldest waiting report has waited")
    decision_seconds_p50: float | None = Field(description="received to ops decision, last 30 days")
    decision_seconds_p95: float | None
    decided_by_ops_last_30_days: int
