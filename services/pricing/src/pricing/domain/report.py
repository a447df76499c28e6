"""The ``PriceMatchReport`` aggregate: a customer's report, its decision and its audit trail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pricing.domain.audit import AuditEntry, discount_granted_entry, received_entry
from pricing.domain.competitor_report import CompetitorReport, require_aware
from pricing.domain.decision import Decision
from pricing.domain.discount import Discount
from pricing.domain.errors import ReportStateError
from pricing.domain.events import (
    Event,
    PriceMatchApproved,
    PriceMatchEscalated,
    PriceMatchRejected,
    PriceMatchRequested,
)
from pricing.domain.terms import DiscountTerms

ReportStatus = Literal["received", "approved", "rejected", "needs_review"]


@dataclass(eq=False)
class PriceMatchReport:
    """received --policy--> approved | rejected | needs_review;  needs_review --ops--> approved | rejected."""

    submission: CompetitorReport
    status: ReportStatus = "received"
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    decided_at: datetime | None = None
    decided_by: str | None = None
    discount_id: str | None = None
    events: list[Event] = field(default_factory=list, repr=False)

    @classmethod
    def receive(cls, submission: CompetitorReport) -> PriceMatchReport:
        s = submission
        report = cls(s)
        report.audit.append(received_entry(s))
        report.events.append(PriceMatchRequested(*report._keys(), received_at=s.created_at))
        return report

    @property
    def id(self) -> str:
        return self.submission.report_id

    @property
    def customer_id(self) -> str:
        return self.submission.customer_id

    @property
    def sku(self) -> str:
        return self.submission.sku

    @property
    def created_at(self) -> datetime:
        return self.submission.created_at

    def apply_decision(
        self, decision: Decision, actor: str = "policy", *, discount_id: str | None = None
    ) -> Discount | None:
        """Record the policy's verdict; returns the granted discount when approved."""
        if self.status != "received":
            raise ReportStateError(f"report {self.id} was already decided ({self.status})")
        reasons, codes, now = list(decision.reasons), list(decision.codes), decision.decided_at
        if decision.discount is not None:  # approved: Decision guarantees the pairing
            return self._approve(actor, reasons, codes, decision.discount, now, discount_id)
        if decision.outcome == "rejected":
            self._reject(actor, reasons, codes, now)
            return None
        self.status, self.reasons, self.codes = "needs_review", reasons, codes
        self.audit.append(AuditEntry(now, actor, "escalated", " ".join(reasons)))
        why = tuple(reasons), tuple(codes)
        self.events.append(PriceMatchEscalated(*self._keys(), *why, escalated_at=now, received_at=self.created_at))
        return None

    def approve(
        self, actor: str, reason: str, terms: DiscountTerms, *, now: datetime, discount_id: str | None = None
    ) -> Discount:
        """Ops approve an escalated report with ``terms`` (from ``terms_for`` at today's price)."""
        self._require_review(actor, reason)
        reasons, codes = [*self.reasons, reason.strip()], [*self.codes, "ops_approved"]
        return self._approve(actor, reasons, codes, terms, require_aware("now", now), discount_id)

    def reject(self, actor: str, reason: str, *, now: datetime) -> None:
        """Ops reject an escalated report."""
        self._require_review(actor, reason)
        reasons, codes = [*self.reasons, reason.strip()], [*self.codes, "ops_rejected"]
        self._reject(actor, reasons, codes, require_aware("now", now))

    def _keys(self) -> tuple[str, str, str, str]:
        s = self.submission
        return s.report_id, s.customer_id, s.sku, s.competitor_id

    def _require_review(self, actor: str, reason: str) -> None:
        if self.status != "needs_review":
            raise ReportStateError(f"report {self.id} is {self.status}; ops decide only reports in review")
        if not actor or not actor.strip():
            raise ValueError("an ops decision needs an actor")
        if not reason or not reason.strip():
            raise ValueError("an ops decision needs a reason")

    def _decided(self, status: ReportStatus, actor: str, reasons: list[str], codes: list[str], at: datetime) -> None:
        self.status, self.reasons, self.codes = status, reasons, codes
        self.decided_at, self.decided_by = at, actor
        self.audit.append(AuditEntry(at, actor, status, " ".join(reasons)))

    def _reject(self, actor: str, reasons: list[str], codes: list[str], now: datetime) -> None:
        self._decided("rejected", actor, reasons, codes, now)
        why = tuple(reasons), tuple(codes)
        self.events.append(PriceMatchRejected(*self._keys(), *why, actor, now, received_at=self.created_at))

    def _approve(
        self,
        actor: str,
        reasons: list[str],
        codes: list[str],
        terms: DiscountTerms,
        now: datetime,
        discount_id: str | None,
    ) -> Discount:
        if terms.sku != self.sku:
            raise ValueError(f"terms for {terms.sku} cannot settle a report about {self.sku}")
        discount_id = discount_id or str(uuid.uuid4())
        discount = Discount.from_terms(
            id=discount_id, customer_id=self.customer_id, report_id=self.id, terms=terms, granted_at=now
        )
        self._decided("approved", actor, reasons, codes, now)
        self.discount_id = discount_id
        self.audit.append(discount_granted_entry(terms, actor, now))
        approved = PriceMatchApproved(*self._keys(), discount_id, tuple(reasons), actor, now, self.created_at)
        self.events += [approved, discount.granted_event()]
        return discount
