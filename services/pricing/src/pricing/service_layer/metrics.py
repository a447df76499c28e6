"""Pricing's business metrics (Prometheus), recorded only after the change they count has committed.

- reports by outcome (and by the codes of their reasons), and who decided: the policy or ops;
- the time from a report to its decision;
- discounts granted, redeemed, expired and revoked: how many, and how much money per unit;
- what paid orders actually took off with price-match discounts.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import Counter, Gauge, Histogram

from pricing.domain import Decision, Discount

REPORTS = Counter(
    "clinic_price_match_reports_total",
    "Price-match decisions by outcome (approved, rejected, needs_review) and decider (policy, ops)",
    ["outcome", "decided_by"],
)
REASONS = Counter(
    "clinic_price_match_reasons_total", "Reasons given with price-match decisions, by outcome and code",
    ["outcome", "code"],
)
DECISION_SECONDS = Histogram(
    "clinic_price_match_decision_seconds", "Time from a price-match report to its decision",
    ["outcome", "decided_by"],
    buckets=(0.05, 0.25, 1, 5, 30, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400),
)
REVIEW_WAIT_SECONDS = Histogram(
    "clinic_price_match_review_wait_seconds",
    "Time a report waited in the review queue: from its escalation to a person's decision",
    ["outcome"],
    buckets=(60, 300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 86400, 2 * 86400, 3 * 86400,
             7 * 86400),
)
REVIEW_BACKLOG = Gauge("clinic_price_match_review_backlog", "Reports waiting in the review queue")
REVIEW_OLDEST_WAIT = Gauge(
    "clinic_price_match_review_oldest_wait_seconds", "How long the oldest report in the review queue has waited")
REFUNDS = Counter(
    "clinic_price_match_refunds_total", "Price matches after purchase approved for a refund, by currency",
    ["currency"],
)
DISCOUNTS = Counter(
    "clinic_discounts_total",
    "Price-match discounts by lifecycle event (granted, redeemed, expired, revoked, reinstated)",
    ["event", "currency"],
)
DISCOUNT_AMOUNT = Counter(
    "clinic_discount_amount_minor_total",
    "Per-unit amount off of price-match discounts, in minor units, by lifecycle event",
    ["event", "currency"],
)
REDEEMED_SAVINGS = Counter(
    "clinic_discount_redeemed_savings_minor_total",
    "What paid orders took off with price-match discounts (per-unit amount times quantity), in minor units",
    ["currency"],
)
REDEEM_REFUSED = Counter(
    "clinic_discount_redeem_refused_total", "Paid order lines whose discount could not be redeemed, by why",
    ["why"],
)


def decided(outcome: str, codes: list[str], decider: str, reported_at: datetime, decided_at: datetime) -> None:
    REPORTS.labels(outcome, decider).inc()
    for code in codes:
        REASONS.labels(outcome, code).inc()
    DECISION_SECONDS.labels(outcome, decider).observe(max((decided_at - reported_at).total_seconds(), 0.0))


def review_waited(outcome: str, escalated_at: datetime, decided_at: datetime) -> None:
    REVIEW_WAIT_SECONDS.labels(outcome).observe(max((decided_at - escalated_at).total_seconds(), 0.0))


def review_queue(backlog: int, oldest_wait_seconds: float | None) -> None:
    REVIEW_BACKLOG.set(backlog)
    REVIEW_OLDEST_WAIT.set(oldest_wait_seconds or 0.0)


def policy_decided(decision: Decision, reported_at: datetime) -> None:
    decided(decision.outcome, decision.codes, "policy", reported_at, decision.decided_at)


def discount_event(event: str, discount: Discount) -> None:
    DISCOUNTS.labels(event, discount.currency).inc()
    DISCOUNT_AMOUNT.labels(event, discount.currency).inc(discount.amount_off)


def redeemed_savings(currency: str, amount_minor: int) -> None:
    REDEEMED_SAVINGS.labels(currency).inc(max(amount_minor, 0))


def redeem_refused(why: str) -> None:
    REDEEM_REFUSED.labels(why).inc()
