from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from clinic_shared.runtime import ServiceRuntime
from clinic_shared.settings import ServiceSettings
from pricing.domain import Basis, PriceMatchPolicy


def _kinds(value: object) -> object:
    """PRICING_EXCLUDED_PRICE_KINDS as a comma-separated list (``membership,bundle``) or a JSON list."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [k.strip() for k in text.split(",") if k.strip()]
    return value


class PricingSettings(ServiceSettings):
    """PRICING_DATABASE_URL, the price-match policy (PRICING_DISCOUNT_PERCENT, ...) and the shared variables."""

    model_config = SettingsConfigDict(env_prefix="PRICING_", extra="ignore", populate_by_name=True)

    database_url: str = "sqlite+aiosqlite:///var/data/pricing.db"

    # The price-match policy (docs/product-rules.md#the-policy-settings): the promise is 20% off the lower of
    # ours and theirs.
    discount_percent: int = Field(20, ge=1, le=50)
    discount_basis: Basis = "lower_of_ours_and_competitor"
    per_unit_cap: int | None = Field(
        None, ge=0, description="minor units; the most the whole amount off (our price - final) may be per unit "
                                "for a report to be approved without a person")
    max_units: int = Field(1, ge=1, le=99, description="units of one order line a discount applies to")
    after_purchase_days: float = Field(14, gt=0, description="a report this long after paying refunds the difference")
    discount_ttl_days: float = Field(30, gt=0, description="at most match_window_days")
    report_recency_days: float = Field(7, gt=0)
    implausible_floor_ratio: Decimal = Field(Decimal("0.5"), ge=0, le=1)
    match_window_days: float = Field(30, gt=0)
    excluded_price_kinds: Annotated[list[str], NoDecode] = ["membership", "introductory", "bundle"]
    max_reports_per_customer_per_day: int = Field(5, ge=1)
    clock_skew_minutes: float = Field(5, ge=0)

    # The expiry job: how often it looks, and how long after expires_at an unused discount still waits
    # (an order placed before the expiry may be paid a little later and must still redeem it).
    expiry_interval_seconds: float = Field(60, gt=0)
    expiry_grace_seconds: float = Field(3600, ge=0)

    _v_kinds = field_validator("excluded_price_kinds", mode="before")(_kinds)

    @model_validator(mode="after")
    def _policy_is_valid(self) -> PricingSettings:
        if self.discount_ttl_days > self.match_window_days:
            raise ValueError(
                f"PRICING_DISCOUNT_TTL_DAYS ({self.discount_ttl_days:g}) must not be longer than "
                f"PRICING_MATCH_WINDOW_DAYS ({self.match_window_days:g}): a discount would outlive the "
                "one-match-per-window rule")
        self.policy()  # fail at start-up, not at the first report
        return self

    def policy(self) -> PriceMatchPolicy:
        return PriceMatchPolicy(
            discount_percent=self.discount_percent,
            basis=self.discount_basis,
            per_unit_cap_minor=self.per_unit_cap,
            max_units=self.max_units,
            after_purchase_window=timedelta(days=self.after_purchase_days),
            discount_ttl=timedelta(days=self.discount_ttl_days),
            report_recency=timedelta(days=self.report_recency_days),
            implausible_floor_ratio=self.implausible_floor_ratio,
            match_window=timedelta(days=self.match_window_days),
            excluded_price_kinds=frozenset(self.excluded_price_kinds),
            max_reports_per_customer_per_day=self.max_reports_per_customer_per_day,
            clock_skew=timedelta(minutes=self.clock_skew_minutes),
        )


PricingRuntime = ServiceRuntime[PricingSettings]
"""Pricing's runtime: `runtime.settings` is a PricingSettings, and with it the price-match policy."""
