"""Commands the service layer carries out: what someone asks for, in the imperative."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from pricing.domain import PriceKind


@dataclass(frozen=True, kw_only=True)
class ReportCompetitorPrice:
    """A signed-in customer reports a lower price for one of our SKUs."""

    customer_id: str
    sku: str
    competitor_name: str
    competitor_url: str
    competitor_price: int
    currency: str
    region: str
    observed_at: datetime
    competitor_id: str | None = None
    price_kind: PriceKind = "regular"
    proof_url: str | None = None
    quote_ref: str | None = None
    competitor_product: str | None = None
    competitor_strength: str | None = None
    competitor_quantity: int | None = None
    idempotency_key: str | None = None

    def fingerprint(self) -> str:
        """What makes two submissions the same report (the idempotency key aside)."""
        fields = asdict(self)
        fields.pop("idempotency_key")
        fields["observed_at"] = self.observed_at.astimezone(UTC).isoformat()
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True, kw_only=True)
class DecideReport:
    """Ops approve or reject a report that the policy sent to human review."""

    report_id: str
    actor: str
    reason: str

