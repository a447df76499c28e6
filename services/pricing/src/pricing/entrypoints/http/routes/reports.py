"""Price-match reports: customers report a lower price and follow it; ops work the review queue."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from clinic_shared.auth import Customer, CustomerOrOps, Ops, Principal
from clinic_shared.errors import problem_responses
from pricing.adapters.reports import UNLISTED, StoredReport
from pricing.domain import ReportStatus
from pricing.entrypoints.http.deps import IdempotencyKey, PolicyDep, RuntimeDep
from pricing.entrypoints.http.schemas import AuditOut, DecisionIn, ReportIn, ReportList, ReportOut
from pricing.service_layer import reports as svc
from pricing.service_layer import review
from pricing.service_layer.commands import DecideReport, ReportCompetitorPrice

router = APIRouter(prefix="/price-match/reports", tags=["price-match"])
me_router = APIRouter(prefix="/me", tags=["price-match"])


def _out(stored: StoredReport, viewer: Principal) -> ReportOut:
    r, s = stored.report, stored.report.submission
    ops = viewer.has("ops")
    return ReportOut(
        id=r.id, status=r.status, reasons=r.reasons, codes=r.codes, sku=r.sku,
        competitor_id=None if s.competitor_id == UNLISTED else s.competitor_id,
        competitor_name=stored.competitor_name, competitor_url=s.competitor_url,
        competitor_price=s.competitor_price.amount, currency=s.competitor_price.currency, region=s.region,
        price_kind=s.price_kind, observed_at=s.observed_at, created_at=r.created_at, decided_at=r.decided_at,
        discount_id=r.discount_id, competitor_product=s.competitor_product,
        competitor_strength=s.competitor_strength, competitor_quantity=s.competitor_quantity,
        refund_order_id=r.refund_order_id, refund_amount=r.refund_amount, refunded_at=r.refunded_at,
        decided_by=r.decided_by if ops else None, customer_id=r.customer_id if ops else None,
        audit=[AuditOut(at=a.at, actor=a.actor, action=a.action, detail=a.detail) for a in r.audit] if ops else None,
    )


@router.post("", status_code=202, response_model=ReportOut, responses=problem_responses(401, 403, 409, 422))
async def submit_report(
    runtime: RuntimeDep, policy: PolicyDep, body: ReportIn, user: Customer, response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ReportOut:
    """Report a lower price. The answer (202) carries the report's id and status: approved (the
    discount is granted), rejected (with every reason), or needs_review (ops decide)."""
    cmd = ReportCompetitorPrice(customer_id=user.sub, idempotency_key=idempotency_key, **body.model_dump())
    stored = await svc.submit_report(runtime, policy, cmd)
    response.headers["Location"] = f"{router.prefix}/{stored.report.id}"
    return _out(stored, user)


@router.get("", response_model=ReportList, responses=problem_responses(401, 403, 422))
async def list_reports(
    runtime: RuntimeDep, user: CustomerOrOps, status: ReportStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20, offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ReportList:
    """Ops: every report, oldest first (the review queue is `?status=needs_review`). Customers: their own."""
    items, total = await svc.list_reports(runtime, user, status, limit, offset)
    return ReportList(items=[_out(s, user) for s in items], total=total, limit=limit, offset=offset)


@router.get("/{report_id}", response_model=ReportOut, responses=problem_responses(401, 403, 404, 422))
async def get_report(runtime: RuntimeDep, report_id: uuid.UUID, user: CustomerOrOps) -> ReportOut:
    """A report, with its decision and reasons (its author or ops; ops also see the audit trail)."""
    return _out(await svc.report_for(runtime, str(report_id), user), user)


@me_router.get("/reports", response_model=ReportList, responses=problem_responses(401, 403, 422))
async def my_reports(
    runtime: RuntimeDep, user: Customer,
    limit: Annotated[int, Query(ge=1, le=100)] = 20, offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ReportList:
    """The signed-in customer's own reports, newest first, each with its status and reasons."""
    items, total = await svc.my_reports(runtime, user.sub, limit, offset)
    return ReportList(items=[_out(s, user) for s in items], total=total, limit=limit, offset=offset)


@router.post("/{report_id}/approve", response_model=ReportOut, responses=problem_responses(401, 403, 404, 409, 422))
async def approve_report(
    runtime: RuntimeDep, policy: PolicyDep, report_id: uuid.UUID, body: DecisionIn, user: Ops
) -> ReportOut:
    """Approve a report in review (ops; never one about your own account: 403): the discount is priced at
    today's price and granted, or, after a purchase, the difference is refunded."""
    cmd = DecideReport(report_id=str(report_id), actor=user.sub, reason=body.reason)
    return _out(await review.approve_report(runtime, policy, cmd), user)


@router.post("/{report_id}/reject", response_model=ReportOut, responses=problem_responses(401, 403, 404, 409, 422))
async def reject_report(runtime: RuntimeDep, report_id: uuid.UUID, body: DecisionIn, user: Ops) -> ReportOut:
    """Reject a report in review (ops; never one about your own account: 403), with the reason the customer
    will read."""
    cmd = DecideReport(report_id=str(report_id), actor=user.sub, reason=body.reason)
    return _out(await review.reject_report(runtime, cmd), user)
