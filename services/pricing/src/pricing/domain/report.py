"""The ``PriceMatchReport`` aggregate: a customer's report, its decision and its audit trail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pricing.domain.audit import AuditEntry, discount_granted_entry, received_entry
from pricing.domain.competitor_report import CompetitorReport, require_aware
from pricing.domain.decision import Decision, Refund
from pricing.domain.discount import Discount
from pricing.domain.errors import DutyError, InvalidValue, ReportStateError
from pricing.domain.events import (
    Event,
    PriceMatchApproved,
    PriceMatchEscalated,
    PriceMatchRefundApproved,
    PriceMatchRejected,
    PriceMatchRequested,
)
from pricing.domain.terms import DiscountTerms

ReportStatus = Literal["received", "approved", "rejected", "needs_review"]


@dataclass(eq=False)
class PriceMatchReport:
    """received --policy--> approved | rejected | needs_review;  needs_review --ops--> approved | rejected.

    An approval grants a discount, or, for a report on a SKU the customer bought within the policy's
    after-purchase window, a refund of the difference on that order (``refund_order_id``, ``refund_amount``);
    ``refunded_at`` is set when the cart reports the money went back. No one decides a report about
    their own customer id (the customer id is the account that filed it).
    """

    submission: CompetitorReport
    status: ReportStatus = "received"
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    decided_at: datetime | None = None
    decided_by: str | None = None
    discount_id: str | None = None
    refund_order_id: str | None = None
    refund_amount: int | None = None
    refunded_at: datetime | None = None
    events: list[Event] = field(default_factory=list, repr=False)

    @classmethod
    def receive(cls, submission: CompetitorReport) -> PriceMatchReport:
        s = submission
        report = cls(s)
        report.audit.append(received_entry(s))
        report.events.append(PriceMatchRequested(*report._keys(), received_at=s.created_at,
                                                 competitor_price=s.competitor_price.amount,
                                                 currency=s.competitor_price.currency, region=s.region))
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
            return self._approve(actor, reasons, codes, decision.discount, now, discount_id, decision.refund)
        if decision.outcome == "rejected":
            self._reject(actor, reasons, codes, now)
            return None
        self.status, self.reasons, self.codes = "needs_review", reasons, codes
        self.audit.append(AuditEntry(now, actor, "escalated", " ".join(reasons)))
        why = tuple(reasons), tuple(codes)
        self.events.append(PriceMatchEscalated(*self._keys(), *why, escalated_at=now, received_at=self.created_at))
        return None

    def approve(
        self, actor: str, reason: str, terms: DiscountTerms, *, now: datetime, discount_id: str | None = None,
        refund: Refund | None = None,
    ) -> Discount | None:
        """Ops approve an escalated report with ``terms`` (from ``terms_for`` at today's price), or with
        ``refund`` for a report made after a purchase (then no discount: None)."""
        self._require_review(actor, reason)
        reasons, codes = [*self.reasons, reason.strip()], [*self.codes, "ops_approved"]
        return self._approve(actor, reasons, codes, terms, require_aware("now", now), discount_id, refund)

    def record_refund(self, order_id: str, at: datetime) -> bool:
        """The cart refunded the difference on ``order_id``; False when already recorded (or not ours)."""
        if self.refund_order_id != order_id or self.refunded_at is not None:
            return False
        self.refunded_at = require_aware("at", at)
        self.audit.append(AuditEntry(at, "cart", "refunded", f"{self.refund_amount} minor units on {order_id}"))
        return True

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
            raise InvalidValue("an ops decision needs an actor")
        if actor == self.customer_id:
            raise DutyError("You cannot decide a price-match report about your own account; ask another reviewer.")
        if not reason or not reason.strip():
            raise InvalidValue("an ops decision needs a reason")

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
        refund: Refund | None = None,
    ) -> Discount | None:
        if terms.sku != self.sku:
            raise InvalidValue(f"terms for {terms.sku} cannot settle a report about {self.sku}")
        if refund is not None:
            self._decided("approved", actor, reasons, codes, now)
            self.refund_order_id, self.refund_amount = refund.order_id, refund.amount
            self.audit.append(AuditEntry(now, actor, "refund_approved",
                                         f"{refund.per_unit} {refund.currency} minor units per unit x {refund.units} "
                                         f"on order {refund.order_id}"))
            keys = self._keys()
            approved = PriceMatchApproved(*keys, None, tuple(reasons), actor, now, self.created_at)
            self.events += [approved, PriceMatchRefundApproved(keys[0], keys[1], keys[2], refund.order_id,
                                                               refund.amount, refund.currency, now)]
            return None
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
