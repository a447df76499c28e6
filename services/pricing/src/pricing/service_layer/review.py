"""Ops decide the reports the policy sent to human review, each decision with a reason.

Deciding again what is already decided the same way changes nothing (an ops retry is safe);
deciding it the other way is a conflict. An approval prices the discount at today's price, and
still honours the one-match-per-window rule.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.application_errors import Conflict, Forbidden, NotFound
from clinic_shared.events.base import utcnow
from clinic_shared.runtime import ServiceRuntime
from pricing.adapters.discounts import DiscountRepository
from pricing.adapters.prices import PriceRepository
from pricing.adapters.purchases import PurchaseRepository
from pricing.adapters.reports import ReportRepository, StoredReport
from pricing.adapters.sql import advisory_lock
from pricing.domain import Money, PriceMatchPolicy, Refund, terms_for
from pricing.service_layer import metrics
from pricing.service_layer.boundary import after_commit
from pricing.service_layer.commands import DecideReport
from pricing.service_layer.reports import claim_match, customer_lock


async def _load_locked(session: AsyncSession, report_id: str) -> StoredReport:
    reports = ReportRepository(session)
    found = await reports.get(report_id)
    if found is None:
        raise NotFound(f"No price-match report with id {report_id}.")
    await advisory_lock(session, customer_lock(found.report.customer_id))
    stored = await reports.get(report_id, lock=True)
    assert stored is not None
    return stored


async def approve_report(runtime: ServiceRuntime, policy: PriceMatchPolicy, cmd: DecideReport) -> StoredReport:
    async with runtime.transaction() as tx:
        stored = await _load_locked(tx.session, cmd.report_id)
        report = stored.report
        if report.status == "approved":
            return stored
        _require_review(stored)
        _require_other_person(stored, cmd.actor)
        now, theirs = utcnow(), report.submission.competitor_price
        purchase = await PurchaseRepository(tx.session).latest(
            report.customer_id, report.sku, report.created_at - policy.after_purchase_window)
        ours = (Money(purchase.paid_unit_price, purchase.currency) if purchase is not None
                else await PriceRepository(tx.session).our_price(report.sku))
        if ours is None:
            raise Conflict(f"{report.sku} is not for sale now; reject the report instead.")
        if ours.currency != theirs.currency:
            raise Conflict(f"Our price of {report.sku} is now in {ours.currency}, the report's "
                           f"in {theirs.currency}; reject the report instead.")
        discounts = DiscountRepository(tx.session)
        window_start = now - policy.match_window
        if any(at > window_start for at in await discounts.grant_times(report.customer_id, report.sku)):
            raise Conflict(f"This customer was already granted a match for {report.sku} within "
                           "the policy's window; reject the report instead.")
        if theirs >= ours:
            raise Conflict(f"The competitor's price is no longer lower than ours ({ours}); "
                           "reject the report instead.")
        terms = terms_for(ours, theirs, policy, now, sku=report.sku, region=report.submission.region)
        refund = None if purchase is None else Refund(
            purchase.order_id, min(purchase.quantity, policy.max_units),
            purchase.paid_unit_price - terms.final_unit_price, purchase.currency)
        discount = report.approve(cmd.actor, cmd.reason, terms, now=now, refund=refund)
        await claim_match(tx.session, report.submission, now, policy)
        await ReportRepository(tx.session).save(stored)
        if discount is not None:
            await discounts.add(discount)
            after_commit(tx.session, partial(metrics.discount_event, "granted", discount))
        tx.track(report)
        after_commit(tx.session, partial(_decided_by_ops, stored, "approved"))
    return stored


async def reject_report(runtime: ServiceRuntime, cmd: DecideReport) -> StoredReport:
    async with runtime.transaction() as tx:
        stored = await _load_locked(tx.session, cmd.report_id)
        report = stored.report
        if report.status == "rejected":
            return stored
        _require_review(stored)
        _require_other_person(stored, cmd.actor)
        report.reject(cmd.actor, cmd.reason, now=utcnow())
        await ReportRepository(tx.session).save(stored)
        tx.track(report)
        after_commit(tx.session, partial(_decided_by_ops, stored, "rejected"))
    return stored


def _require_review(stored: StoredReport) -> None:
    if stored.report.status != "needs_review":
        raise Conflict(f"The report is {stored.report.status}; ops decide only reports in review.")


def _require_other_person(stored: StoredReport, actor: str) -> None:
    """Separation of duties: no one decides a report they filed (the report's customer id is its filer)."""
    if actor == stored.report.customer_id:
        raise Forbidden("You cannot decide a price-match report about your own account; "
                        "another reviewer must decide it.")


def _decided_by_ops(stored: StoredReport, outcome: str) -> None:
    r = stored.report
    if r.decided_at is not None:
        metrics.decided(outcome, r.codes[-1:], "ops", r.created_at, r.decided_at)
        escalated = next((a.at for a in r.audit if a.action == "escalated"), r.created_at)
        metrics.review_waited(outcome, escalated, r.decided_at)
