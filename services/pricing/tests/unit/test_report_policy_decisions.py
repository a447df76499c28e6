"""``PriceMatchReport`` records the policy's decision, its events and its audit trail."""

from __future__ import annotations

from datetime import datetime

import pytest

from pricing.domain import (
    Decision,
    DiscountGranted,
    Money,
    PriceMatchApproved,
    PriceMatchEscalated,
    PriceMatchRejected,
    PriceMatchRequested,
    ReportStateError,
    decide,
    terms_for,
)

from .helpers import POLICY, MakeContext, MakeReport, received


def test_receiving_a_report_records_the_request_and_the_first_audit_line(make_report: MakeReport) -> None:
    submission = make_report()
    report = received(submission)
    assert (report.status, report.id, report.sku) == ("received", submission.report_id, submission.sku)
    assert report.events == [
        PriceMatchRequested(
            submission.report_id, submission.customer_id, submission.sku, submission.competitor_id,
            submission.created_at, submission.competitor_price.amount, submission.competitor_price.currency,
            submission.region,
        )
    ]  # fmt: skip
    assert [(e.actor, e.action) for e in report.audit] == [("customer", "received")]


def test_approved_decision_grants_the_discount_and_records_both_events(
    make_report: MakeReport, make_context: MakeContext, now: datetime
) -> None:
    submission = make_report()
    report = received(submission)
    decision = decide(submission, make_context(), POLICY)
    discount = report.apply_decision(decision, discount_id="discount-1")
    assert discount is not None
    assert (discount.id, discount.report_id, discount.customer_id) == ("discount-1", report.id, report.customer_id)
    assert (discount.final_unit_price, discount.amount_off, discount.status) == (19200, 10800, "granted")
    assert (report.status, report.decided_at, report.decided_by) == ("approved", now, "policy")
    assert (report.reasons, report.discount_id) == (decision.reasons, "discount-1")
    approved, granted = report.events[1:]
    assert isinstance(approved, PriceMatchApproved)
    assert (approved.discount_id, approved.decided_by, approved.reasons) == (
        "discount-1",
        "policy",
        tuple(decision.reasons),
    )
    assert granted == discount.granted_event()
    assert [e.action for e in report.audit] == ["received", "approved", "discount_granted"]


def test_rejected_decision_records_every_reason(make_report: MakeReport, make_context: MakeContext) -> None:
    submission = make_report(region="FL", price_kind="bundle")
    report = received(submission)
    assert report.apply_decision(decide(submission, make_context(), POLICY)) is None
    assert report.status == "rejected"
    assert len(report.reasons) == 2
    assert report.discount_id is None
    rejected = report.events[-1]
    assert isinstance(rejected, PriceMatchRejected)
    assert rejected.reasons == tuple(report.reasons)
    assert rejected.codes == ("competitor_not_licensed_in_region", "price_kind_excluded")
    assert report.audit[-1].action == "rejected"
    assert report.audit[-1].detail == " ".join(report.reasons)


def test_needs_review_decision_escalates_without_deciding(make_report: MakeReport, make_context: MakeContext) -> None:
    submission = make_report(competitor_price=Money(9000, "USD"))
    report = received(submission)
    assert report.apply_decision(decide(submission, make_context(), POLICY)) is None
    assert (report.status, report.decided_at, report.decided_by) == ("needs_review", None, None)
    assert not any(isinstance(e, DiscountGranted) for e in report.events)
    assert isinstance(report.events[-1], PriceMatchEscalated)
    assert report.events[-1].codes == ("implausibly_low",)
    assert report.audit[-1].action == "escalated"


def test_a_report_is_decided_by_the_policy_only_once(make_report: MakeReport, make_context: MakeContext) -> None:
    submission = make_report()
    report = received(submission)
    decision = decide(submission, make_context(), POLICY)
    report.apply_decision(decision)
    with pytest.raises(ReportStateError, match="already decided"):
        report.apply_decision(decision)


def test_decision_pairs_a_discount_with_approval_only(now: datetime) -> None:
    terms = terms_for(Money(30000, "USD"), Money(24000, "USD"), POLICY, now, sku="KET-TROCHE-100MG-30", region="TX")
    with pytest.raises(ValueError, match="discount"):
        Decision("approved", ["ok"], None, decided_at=now)
    with pytest.raises(ValueError, match="discount"):
        Decision("rejected", ["no"], terms, decided_at=now)
    with pytest.raises(ValueError, match="reason"):
        Decision("rejected", [], decided_at=now)
