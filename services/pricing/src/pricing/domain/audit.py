"""The audit trail of a price-match report: who did what, when, and why."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from pricing.domain.competitor_report import CompetitorReport
from pricing.domain.terms import DiscountTerms


class AuditEntry(NamedTuple):
    """One line of the trail, oldest first; never edited or removed."""

    at: datetime
    actor: str  # "customer", "policy", or the ops user's id
    action: str  # received | escalated | approved | rejected | discount_granted | refund_approved | refunded
    detail: str


def received_entry(submission: CompetitorReport) -> AuditEntry:
    s = submission
    return AuditEntry(s.created_at, "customer", "received", f"{s.competitor_price} at {s.competitor_url}")


def discount_granted_entry(terms: DiscountTerms, actor: str, at: datetime) -> AuditEntry:
    detail = (
        f"{terms.amount_off} {terms.currency} minor units off per unit, {terms.final_unit_price} to pay, "
        f"until {terms.expires_at.isoformat()}"
    )
    return AuditEntry(at, actor, "discount_granted", detail)
