"""Price-match reports, their decisions and their audit trail (append-only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pricing.adapters.orm import report_audit, reports
from pricing.adapters.sql import count, for_update
from pricing.domain import AuditEntry, CompetitorReport, Money, PriceMatchReport, ReportStatus

UNLISTED = "unlisted"
"""The competitor id a report carries when it names a provider that is not on our list."""


@dataclass
class StoredReport:
    """A report with what only storage needs: the name as reported, and the idempotency key."""

    report: PriceMatchReport
    competitor_name: str
    idempotency_key: str | None
    request_hash: str
    audit_saved: int = 0  # how many audit entries are already in the table


def _report(r: Row, trail: list[AuditEntry]) -> StoredReport:  # type: ignore[type-arg]
    submission = CompetitorReport(
        report_id=r.id, customer_id=r.customer_id, sku=r.sku, competitor_id=r.competitor_id or UNLISTED,
        competitor_url=r.competitor_url, competitor_price=Money(r.competitor_price, r.currency), region=r.region,
        observed_at=r.observed_at, created_at=r.created_at, price_kind=r.price_kind,
        proof_url=r.proof_url, quote_ref=r.quote_ref, competitor_product=r.competitor_product,
        competitor_strength=r.competitor_strength, competitor_quantity=r.competitor_quantity,
    )
    report = PriceMatchReport(
        submission, status=r.status, reasons=list(r.reasons), codes=list(r.codes), audit=trail,
        decided_at=r.decided_at, decided_by=r.decided_by, discount_id=r.discount_id,
        refund_order_id=r.refund_order_id, refund_amount=r.refund_amount, refunded_at=r.refunded_at,
    )
    return StoredReport(report, r.competitor_name, r.idempotency_key, r.request_hash, audit_saved=len(trail))


class ReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, report_id: str, *, lock: bool = False) -> StoredReport | None:
        stmt = select(reports).where(reports.c.id == report_id)
        row = (await self.session.execute(for_update(self.session, stmt) if lock else stmt)).first()
        return None if row is None else (await self._load([row]))[0]

    async def by_idempotency_key(self, customer_id: str, key: str) -> StoredReport | None:
        stmt = select(reports).where(reports.c.customer_id == customer_id, reports.c.idempotency_key == key)
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (await self._load([row]))[0]

    async def page(
        self, status: ReportStatus | None, customer_id: str | None, limit: int, offset: int
    ) -> tuple[list[StoredReport], int]:
        """Oldest first: the review queue is worked from the front."""
        stmt = select(reports)
        if status is not None:
            stmt = stmt.where(reports.c.status == status)
        if customer_id is not None:
            stmt = stmt.where(reports.c.customer_id == customer_id)
        total = await count(self.session, stmt)
        rows = (await self.session.execute(
            stmt.order_by(reports.c.created_at, reports.c.id).limit(limit).offset(offset))).all()
        return await self._load(rows), total

    async def of_customer(self, customer_id: str, limit: int, offset: int) -> tuple[list[StoredReport], int]:
        """A customer's own reports, newest first."""
        stmt = select(reports).where(reports.c.customer_id == customer_id)
        total = await count(self.session, stmt)
        rows = (await self.session.execute(
            stmt.order_by(reports.c.created_at.desc(), reports.c.id).limit(limit).offset(offset))).all()
        return await self._load(rows), total

    async def by_refund_order(self, order_id: str, report_id: str | None) -> StoredReport | None:
        stmt = select(reports).where(reports.c.refund_order_id == order_id)
        if report_id:
            stmt = stmt.where(reports.c.id == report_id)
        row = (await self.session.execute(for_update(self.session, stmt.order_by(reports.c.created_at)))).first()
        return None if row is None else (await self._load([row]))[0]

    async def waiting(self) -> tuple[int, datetime | None]:
        """How many reports wait for a person, and since when the oldest waits (its escalation)."""
        stmt = select(reports.c.id, reports.c.created_at).where(reports.c.status == "needs_review")
        total = await count(self.session, stmt)
        oldest = (await self.session.execute(
            select(func.min(reports.c.created_at)).where(reports.c.status == "needs_review"))).scalar_one_or_none()
        return total, oldest

    async def count_since(self, customer_id: str, since: datetime) -> int:
        stmt = select(reports.c.id).where(reports.c.customer_id == customer_id, reports.c.created_at > since)
        return await count(self.session, stmt)

    async def add(self, stored: StoredReport) -> None:
        s = stored.report.submission
        await self.session.execute(insert(reports).values(
            id=s.report_id, customer_id=s.customer_id, idempotency_key=stored.idempotency_key,
            request_hash=stored.request_hash, sku=s.sku,
            competitor_id=None if s.competitor_id == UNLISTED else s.competitor_id,
            competitor_name=stored.competitor_name, competitor_url=s.competitor_url,
            competitor_price=s.competitor_price.amount, currency=s.competitor_price.currency, region=s.region,
            price_kind=s.price_kind, observed_at=s.observed_at, proof_url=s.proof_url, quote_ref=s.quote_ref,
            created_at=s.created_at, competitor_product=s.competitor_product,
            competitor_strength=s.competitor_strength, competitor_quantity=s.competitor_quantity,
            **self._state(stored.report),
        ))
        await self._append_audit(stored)

    async def save(self, stored: StoredReport) -> None:
        await self.session.execute(update(reports).where(reports.c.id == stored.report.id)
                                   .values(**self._state(stored.report)))
        await self._append_audit(stored)

    @staticmethod
    def _state(r: PriceMatchReport) -> dict[str, object]:
        return {"status": r.status, "reasons": list(r.reasons), "codes": list(r.codes), "decided_at": r.decided_at,
                "decided_by": r.decided_by, "discount_id": r.discount_id, "refund_order_id": r.refund_order_id,
                "refund_amount": r.refund_amount, "refunded_at": r.refunded_at}

    async def _append_audit(self, stored: StoredReport) -> None:
        new = list(enumerate(stored.report.audit))[stored.audit_saved:]
        if new:
            await self.session.execute(insert(report_audit), [
                {"report_id": stored.report.id, "position": i, "at": e.at, "actor": e.actor, "action": e.action,
                 "detail": e.detail} for i, e in new
            ])
        stored.audit_saved = len(stored.report.audit)

    async def _load(self, rows: Sequence[Row]) -> list[StoredReport]:  # type: ignore[type-arg]
        ids = [r.id for r in rows]
        trails: dict[str, list[AuditEntry]] = {i: [] for i in ids}
        if ids:
            for a in await self.session.execute(
                select(report_audit).where(report_audit.c.report_id.in_(ids))
                .order_by(report_audit.c.report_id, report_audit.c.position)
            ):
                trails[a.report_id].append(AuditEntry(a.at, a.actor, a.action, a.detail))
        return [_report(r, trails[r.id]) for r in rows]
