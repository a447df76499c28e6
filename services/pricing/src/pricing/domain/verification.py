"""Verify a competitor report against the policy (BRIEF section 5): ``decide``.

Every check runs that can run, so a rejection lists all its reasons. Rejections win over doubts;
doubts (an implausibly low price, a page off the competitor's site) send the report to human review.
Each finding is a (code, sentence) pair: the code for metrics and clients, the sentence for people.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pricing.domain.competitor_report import CompetitorReport
from pricing.domain.competitors import EligibleCompetitor
from pricing.domain.decision import Decision, DecisionContext, Outcome
from pricing.domain.money import Money
from pricing.domain.policy import PriceMatchPolicy
from pricing.domain.terms import terms_for
from pricing.domain.wording import duration, ratio_as_percent

Finding = tuple[str, str]


def _competitor_checks(report: CompetitorReport, competitor: EligibleCompetitor | None) -> list[Finding]:
    if competitor is None:
        return [("competitor_unknown", "The competitor is not on our list of eligible providers.")]
    if competitor.id != report.competitor_id:
        raise ValueError("the context's competitor is not the one the report names")
    name, found = competitor.name, []
    if not competitor.active:
        found.append(("competitor_inactive", f"{name} is no longer on our list of eligible providers."))
    if competitor.kind == "marketplace":
        found.append(("competitor_marketplace", f"{name} is a marketplace, not a licensed clinic."))
    elif competitor.kind == "coupon_site":
        found.append(("competitor_coupon_site", f"{name} is a coupon site, not a licensed clinic."))
    if not competitor.is_licensed_in(report.region):
        sentence = f"{name} is not licensed in {report.region}, the region in the report."
        found.append(("competitor_not_licensed_in_region", sentence))
    return found


def _price_checks(report: CompetitorReport, ours: Money | None) -> list[Finding]:
    theirs = report.competitor_price
    if ours is None:
        return [("sku_not_for_sale", f"{report.sku} is not currently for sale, so there is no price to match.")]
    if theirs.currency != ours.currency:
        sentence = (
            f"The competitor's price is in {theirs.currency} but ours is in {ours.currency}; "
            "we only match prices in the same currency."
        )
        return [("currency_mismatch", sentence)]
    if theirs >= ours:
        return [("price_not_lower", f"The competitor's price ({theirs}) is not lower than ours ({ours}).")]
    return []


def _report_checks(report: CompetitorReport, policy: PriceMatchPolicy) -> list[Finding]:
    found: list[Finding] = []
    if report.observed_at > report.created_at + policy.clock_skew:
        found.append(("observed_in_future", "The time the price was seen is in the future."))
    elif report.created_at - report.observed_at > policy.report_recency:
        sentence = (
            f"The price was seen more than {duration(policy.report_recency)} before it was reported; "
            "reports must be recent."
        )
        found.append(("report_stale", sentence))
    if report.price_kind in policy.excluded_price_kinds:
        sentence = f"{report.price_kind.capitalize()} prices are excluded from the price-match guarantee."
        found.append(("price_kind_excluded", sentence))
    return found


def _limit_checks(report: CompetitorReport, ctx: DecisionContext, policy: PriceMatchPolicy) -> list[Finding]:
    found: list[Finding] = []
    if any(at > ctx.now - policy.match_window for at in ctx.granted_matches):
        sentence = (
            f"A price match for {report.sku} was already granted on this account "
            f"within the last {duration(policy.match_window)}."
        )
        found.append(("already_matched", sentence))
    limit = policy.max_reports_per_customer_per_day
    if ctx.prior_reports_in_last_day >= limit:
        sentence = f"Too many reports from this account: the limit is {limit} in 24 hours."
        found.append(("rate_limited", sentence))
    return found


def _doubts(
    report: CompetitorReport, ours: Money, competitor: EligibleCompetitor, policy: PriceMatchPolicy
) -> list[Finding]:
    theirs, found = report.competitor_price, []
    if Decimal(theirs.amount) < policy.implausible_floor_ratio * Decimal(ours.amount):
        sentence = (
            f"The competitor's price ({theirs}) is less than {ratio_as_percent(policy.implausible_floor_ratio)} "
            f"of ours ({ours}), so a person will check it before approval."
        )
        found.append(("implausibly_low", sentence))
    if not competitor.owns_url(report.competitor_url):
        sentence = (
            f"The reported page is not on {competitor.name}'s website ({competitor.domain}), "
            "so a person will check it before approval."
        )
        found.append(("url_off_competitor_domain", sentence))
    return found


def _verdict(outcome: Outcome, findings: list[Finding], now: datetime) -> Decision:
    return Decision(outcome, [s for _, s in findings], decided_at=now, codes=[c for c, _ in findings])


def decide(report: CompetitorReport, context: DecisionContext, policy: PriceMatchPolicy) -> Decision:
    """Approve, reject or escalate ``report``. Pure: the same inputs give the same decision."""
    ours, competitor, now = context.our_price, context.competitor, context.now
    rejections = [
        *_competitor_checks(report, competitor),
        *_price_checks(report, ours),
        *_report_checks(report, policy),
        *_limit_checks(report, context, policy),
    ]
    if rejections or ours is None or competitor is None:
        return _verdict("rejected", rejections, now)
    doubts = _doubts(report, ours, competitor, policy)
    if doubts:
        return _verdict("needs_review", doubts, now)
    terms = terms_for(ours, report.competitor_price, policy, now, sku=report.sku)
    final = Money(terms.final_unit_price, terms.currency)
    reason = (
        f"{competitor.name} is a licensed clinic in {report.region} and its price "
        f"({report.competitor_price}) is lower than ours ({ours}): with the price match, "
        f"{report.sku} costs {final} per unit."
    )
    return Decision("approved", [reason], terms, decided_at=now, codes=["approved"])
