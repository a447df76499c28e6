"""Price-match reports: received and decided by the policy in one transaction, then read back.

The policy decides at once (the answer is still 202 with the status, since a decision may be
"needs_review"). One customer's submissions are serialised, so the one-match and rate-limit rules
count every earlier report; an idempotency key makes a resubmission the same report.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.application_errors import Conflict, NotFound
from clinic_shared.events.base import utcnow
from clinic_shared.principal import Principal
from clinic_shared.runtime import ServiceRuntime
from pricing.adapters.claims import MatchClaimed, MatchClaims
from pricing.adapters.competitors import CompetitorRepository
from pricing.adapters.discounts import DiscountRepository
from pricing.adapters.prices import PriceRepository
from pricing.adapters.purchases import PurchaseRepository
from pricing.adapters.read_models import CatalogSkuRepository
from pricing.adapters.reports import UNLISTED, ReportRepository, StoredReport
from pricing.adapters.sql import advisory_lock
from pricing.domain import (
    CompetitorReport,
    DecisionContext,
    Money,
    PriceMatchPolicy,
    PriceMatchReport,
    ReportStatus,
    decide,
)
from pricing.service_layer import metrics
from pricing.service_layer.boundary import after_commit
from pricing.service_layer.commands import ReportCompetitorPrice


def customer_lock(customer_id: str) -> str:
    return f"pricing.customer:{customer_id}"


def _same_report(existing: StoredReport, cmd: ReportCompetitorPrice) -> StoredReport:
    if existing.request_hash != cmd.fingerprint():
        raise Conflict("This Idempotency-Key was already used for a different report.")
    return existing


async def submit_report(runtime: ServiceRuntime, policy: PriceMatchPolicy, cmd: ReportCompetitorPrice) -> StoredReport:
    try:
        return await _submit(runtime, policy, cmd)
    except IntegrityError:
        if cmd.idempotency_key is None:
            raise
        async with runtime.sessions() as session:  # a concurrent resubmission won the race
            existing = await ReportRepository(session).by_idempotency_key(cmd.customer_id, cmd.idempotency_key)
        if existing is None:
            raise
        return _same_report(existing, cmd)


async def _submit(runtime: ServiceRuntime, policy: PriceMatchPolicy, cmd: ReportCompetitorPrice) -> StoredReport:
    async with runtime.transaction() as tx:
        session = tx.session
        await advisory_lock(session, customer_lock(cmd.customer_id))
        reports = ReportRepository(session)
        if cmd.idempotency_key is not None:
            existing = await reports.by_idempotency_key(cmd.customer_id, cmd.idempotency_key)
            if existing is not None:
                return _same_report(existing, cmd)
        now = utcnow()
        competitor = await CompetitorRepository(session).find(cmd.competitor_id, cmd.competitor_url,
                                                              cmd.competitor_name)
        submission = CompetitorReport(
            report_id=str(uuid.uuid4()), customer_id=cmd.customer_id, sku=cmd.sku,
            competitor_id=competitor.id if competitor else UNLISTED, competitor_url=cmd.competitor_url,
            competitor_price=Money(cmd.competitor_price, cmd.currency), region=cmd.region,
            observed_at=cmd.observed_at, created_at=now, price_kind=cmd.price_kind,
            proof_url=cmd.proof_url, quote_ref=cmd.quote_ref, competitor_product=cmd.competitor_product,
            competitor_strength=cmd.competitor_strength, competitor_quantity=cmd.competitor_quantity,
        )
        discounts = DiscountRepository(session)
        purchase = await PurchaseRepository(session).latest(cmd.customer_id, cmd.sku,
                                                            now - policy.after_purchase_window)
        our_price = (Money(purchase.paid_unit_price, purchase.currency) if purchase is not None
                     else await PriceRepository(session).our_price(cmd.sku))
        context = DecisionContext(
            now=now, our_price=our_price, competitor=competitor,
            granted_matches=await discounts.grant_times(cmd.customer_id, cmd.sku),
            prior_reports_in_last_day=await reports.count_since(cmd.customer_id, now - timedelta(days=1)),
            variant=await CatalogSkuRepository(session).variant(cmd.sku), purchase=purchase,
        )
        decision = decide(submission, context, policy)
        if decision.outcome == "approved":
            await claim_match(session, submission, now, policy)
        report = PriceMatchReport.receive(submission)
        discount = report.apply_decision(decision)
        stored = StoredReport(report, cmd.competitor_name, cmd.idempotency_key, cmd.fingerprint())
        await reports.add(stored)
        if discount is not None:
            await discounts.add(discount)
            after_commit(session, partial(metrics.discount_event, "granted", discount))
        tx.track(report)
        after_commit(session, partial(metrics.policy_decided, decision, submission.created_at))
    return stored


async def claim_match(session: AsyncSession, submission: CompetitorReport, now: datetime,
                      policy: PriceMatchPolicy) -> None:
    """Claim the one match per customer, SKU and window in this transaction (a 409 when it is taken)."""
    try:
        await MatchClaims(session).claim(submission.customer_id, submission.sku, submission.report_id, now,
                                         now - policy.match_window)
    except MatchClaimed as exc:
        raise Conflict(f"A price match for {submission.sku} was already granted on this account "
                       "within the policy's window.") from exc


async def my_reports(runtime: ServiceRuntime, customer_id: str, limit: int, offset: int
                     ) -> tuple[list[StoredReport], int]:
    async with runtime.sessions() as session:
        return await ReportRepository(session).of_customer(customer_id, limit, offset)


async def report_for(runtime: ServiceRuntime, report_id: str, viewer: Principal) -> StoredReport:
    """A report, for its author or for ops; anyone else is told it does not exist."""
    async with runtime.sessions() as session:
        stored = await ReportRepository(session).get(report_id)
    if stored is None or not (viewer.has("ops") or stored.report.customer_id == viewer.sub):
        raise NotFound(f"No price-match report with id {report_id}.")
    return stored


async def list_reports(
    runtime: ServiceRuntime, viewer: Principal, status: ReportStatus | None, limit: int, offset: int
) -> tuple[list[StoredReport], int]:
    """Ops see every report (the review queue is `status=needs_review`); a customer sees their own."""
    customer = None if viewer.has("ops") else viewer.sub
    async with runtime.sessions() as session:
        return await ReportRepository(session).page(status, customer, limit, offset)
