"""Ops decide escalated ``PriceMatchReport``s, and only those, with a reason."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from pricing.domain import (
    Money,
    PriceMatchApproved,
    PriceMatchRejected,
    PriceMatchReport,
    ReportStateError,
    decide,
    terms_for,
)

from .helpers import POLICY, MakeContext, MakeReport, received


def escalated(make_report: MakeReport, make_context: MakeContext) -> PriceMatchReport:
    submission = make_report(competitor_price=Money(9000, "USD"))
    report = received(submission)
    report.apply_decision(decide(submission, make_context(), POLICY))
    assert report.status == "needs_review"
    return report


def test_ops_approve_an_escalated_report_with_terms_at_todays_price(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    report = escalated(make_report, make_context)
    later = now + timedelta(hours=3)
    terms = terms_for(Money(30000, "USD"), Money(9000, "USD"), POLICY, later, sku=report.sku, region="TX")
    discount = report.approve("ops-ana", "Quote checked with the clinic by phone.", terms, now=later)
    assert (report.status, report.decided_by, report.decided_at) == ("approved", "ops-ana", later)
    assert report.reasons[-1] == "Quote checked with the clinic by phone."
    assert report.codes == ["implausibly_low", "ops_approved"]
    assert (discount.final_unit_price, discount.expires_at) == (7200, later + timedelta(days=30))
    assert report.discount_id == discount.id
    approved, granted = report.events[-2:]
    assert isinstance(approved, PriceMatchApproved)
    assert approved.decided_by == "ops-ana"
    assert approved.received_at == report.created_at
    assert granted == discount.granted_event()
    assert [(e.actor, e.action) for e in report.audit[-2:]] == [
        ("ops-ana", "approved"),
        ("ops-ana", "discount_granted"),
    ]


def test_ops_reject_an_escalated_report_with_a_reason(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    report = escalated(make_report, make_context)
    report.reject("ops-ana", "The quote was for a different dose.", now=now)
    assert (report.status, report.decided_by, report.discount_id) == ("rejected", "ops-ana", None)
    assert report.reasons[-1] == "The quote was for a different dose."
    rejected = report.events[-1]
    assert isinstance(rejected, PriceMatchRejected)
    assert rejected.codes == ("implausibly_low", "ops_rejected")


@pytest.mark.parametrize("outcome", ["received", "approved", "rejected"])
def test_ops_decide_only_reports_in_review(
    make_report: MakeReport, make_context: MakeContext, now: datetime, outcome: str
) -> None:
    submission = make_report(region="FL" if outcome == "rejected" else "TX")
    report = received(submission)
    if outcome != "received":
        report.apply_decision(decide(submission, make_context(), POLICY))
    assert report.status == outcome
    terms = terms_for(Money(30000, "USD"), Money(24000, "USD"), POLICY, now, sku=report.sku, region="TX")
    with pytest.raises(ReportStateError, match="only reports in review"):
        report.approve("ops-ana", "Looks fine.", terms, now=now)
    with pytest.raises(ReportStateError, match="only reports in review"):
        report.reject("ops-ana", "Looks wrong.", now=now)


def test_ops_decision_needs_a_reason_and_an_actor(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    report = escalated(make_report, make_context)
    with pytest.raises(ValueError, match="reason"):
        report.reject("ops-ana", "   ", now=now)
    with pytest.raises(ValueError, match="actor"):
        report.reject("", "Wrong dose.", now=now)
    assert report.status == "needs_review"


def test_ops_cannot_settle_a_report_with_terms_for_another_sku(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    report = escalated(make_report, make_context)
    terms = terms_for(Money(30000, "USD"), Money(9000, "USD"), POLICY, now, sku="KET-NASAL-50MG", region="TX")
    with pytest.raises(ValueError, match="cannot settle"):
        report.approve("ops-ana", "Checked.", terms, now=now)
    assert report.status == "needs_review"
