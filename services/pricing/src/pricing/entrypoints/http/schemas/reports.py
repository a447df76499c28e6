"""Price-match reports in and out, and the ops decision."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from pricing.domain import PriceKind, ReportStatus
from pricing.entrypoints.http.schemas.fields import (
    Currency,
    MinorUnits,
    Reason,
    Region,
    SkuCode,
    Storable,
    Text200,
    Url,
    http_url,
    known_region,
    utc_time,
)

Strength = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), Storable]


class ReportIn(BaseModel):
    """A lower price the customer found: our SKU, the competitor, its price, proof, and the region."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "anyOf": [{"required": ["proof_url"]}, {"required": ["quote_ref"]}]})
    sku: SkuCode
    competitor_name: Text200
    competitor_url: Url
    competitor_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f-]{36}$")] | None = Field(
        None, description="the competitor's id from our list, when the client knows it")
    competitor_price: MinorUnits
    currency: Currency
    region: Region = Field(description="the customer's US state")
    observed_at: AwareDatetime = Field(description="when the customer saw the price")
    price_kind: PriceKind = Field("regular", description="membership, introductory and bundle prices are excluded")
    proof_url: Url | None = None
    quote_ref: Text200 | None = Field(None, description="a reference to an uploaded quote")
    competitor_product: Text200 | None = Field(None, description="the competitor's product, as it is named there")
    competitor_strength: Strength | None = Field(
        None, description="its strength or dose, e.g. '100 mg' (compared with our SKU's dose)")
    competitor_quantity: Annotated[int, Field(ge=1, le=10_000)] | None = Field(
        None, description="its quantity: sessions, or days of supply, as our SKU counts it")

    _v_region = field_validator("region")(known_region)
    _v_urls = field_validator("competitor_url", "proof_url")(http_url)
    _v_time = field_validator("observed_at")(utc_time)

    @model_validator(mode="after")
    def _proof(self) -> ReportIn:
        if not self.proof_url and not self.quote_ref:
            raise ValueError("a report needs proof: a proof_url or a quote_ref")
        return self


class AuditOut(BaseModel):
    at: datetime
    actor: str
    action: str
    detail: str


class ReportOut(BaseModel):
    id: str
    status: ReportStatus
    reasons: list[str]
    codes: list[str] = Field(description="one stable code per reason, for clients")
    sku: str
    competitor_id: str | None
    competitor_name: str
    competitor_url: str
    competitor_price: int
    currency: str
    region: str
    price_kind: PriceKind
    observed_at: datetime
    created_at: datetime
    decided_at: datetime | None
    discount_id: str | None
    competitor_product: str | None = None
    competitor_strength: str | None = None
    competitor_quantity: int | None = None
    refund_order_id: str | None = Field(None, description="after a purchase: the order the difference goes back on")
    refund_amount: int | None = Field(None, description="the total refunded on that order, minor units")
    refunded_at: datetime | None = None
    decided_by: str | None = Field(None, description="shown to ops: the policy or the ops user who decided")
    customer_id: str | None = Field(None, description="shown to ops")
    audit: list[AuditOut] | None = Field(None, description="the audit trail, shown to ops")


class ReportList(BaseModel):
    items: list[ReportOut]
    total: int
    limit: int
    offset: int


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Reason
