"""Verify a competitor report against the policy (docs/product-rules.md#eligibility-and-verification): ``decide``.

Every check runs that can run, so a rejection lists all its reasons. Rejections win over doubts;
doubts send the report to human review. Evidence decides the path: only proof on the competitor's own
site (its listed domain or a subdomain), a price inside the plausibility band, a product that matches
our SKU's variant and an amount off within the per-unit cap are approved automatically.
Each finding is a (code, sentence) pair: the code for metrics and clients, the sentence for people.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pricing.domain.competitor_report import CompetitorReport
from pricing.domain.competitors import EligibleCompetitor
from pricing.domain.decision import Decision, DecisionContext, Outcome, Refund
from pricing.domain.money import Money
from pricing.domain.policy import PriceMatchPolicy
from pricing.domain.terms import DiscountTerms, terms_for
from pricing.domain.variant import SkuVariant, normalised_strength
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


def _variant_checks(report: CompetitorReport, variant: SkuVariant | None) -> list[Finding]:
    """A named product that is not our SKU's variant is another treatment: rejected."""
    if variant is None:
        return []
    found: list[Finding] = []
    strength = report.competitor_strength
    if strength and variant.dose and normalised_strength(strength) != normalised_strength(variant.dose):
        sentence = (f"The competitor's product is {strength}, but {report.sku} is {variant.dose}: "
                    "we match the same treatment only.")
        found.append(("strength_mismatch", sentence))
    ours = variant.quantity
    if report.competitor_quantity is not None and ours is not None and report.competitor_quantity != ours[0]:
        sentence = (f"The competitor's product is {report.competitor_quantity} {ours[1]}, but {report.sku} is "
                    f"{ours[0]} {ours[1]}: we match the same quantity only.")
        found.append(("quantity_mismatch", sentence))
    return found


def _evidence_doubts(report: CompetitorReport, competitor: EligibleCompetitor) -> list[Finding]:
    site, found = f"{competitor.name}'s website ({competitor.domain})", []
    if not competitor.owns_url(report.competitor_url):
        sentence = f"The reported page is not on {site}, so a person will check it before approval."
        found.append(("url_off_competitor_domain", sentence))
    if report.proof_url is None:
        sentence = "The proof is a quote reference only, so a person will check it before approval."
        found.append(("quote_only", sentence))
    elif not competitor.owns_url(report.proof_url):
        sentence = f"The proof is not on {site}, so a person will check it before approval."
        found.append(("proof_off_competitor_site", sentence))
    return found


def _sameness_doubts(report: CompetitorReport, variant: SkuVariant | None) -> list[Finding]:
    named = report.competitor_product and (report.competitor_strength or report.competitor_quantity is not None)
    if not named:
        sentence = ("The report does not name the competitor's product with its strength and quantity, "
                    "so a person will compare it with ours before approval.")
        return [("product_not_named", sentence)]
    if variant is None or (variant.dose is None and variant.quantity is None):
        sentence = (f"We do not know {report.sku}'s dose and quantity yet, "
                    "so a person will compare the products before approval.")
        return [("variant_unknown", sentence)]
    missing = []
    if variant.dose and not report.competitor_strength:
        missing.append("strength")
    if variant.quantity and report.competitor_quantity is None:
        missing.append("quantity")
    if missing:
        sentence = (f"The report does not give the competitor's {' or '.join(missing)}, "
                    "so a person will compare it with ours before approval.")
        return [("product_incomplete", sentence)]
    return []


def _doubts(
    report: CompetitorReport, ours: Money, competitor: EligibleCompetitor, policy: PriceMatchPolicy,
    ctx: DecisionContext, terms: DiscountTerms,
) -> list[Finding]:
    theirs, found = report.competitor_price, []
    if Decimal(theirs.amount) < policy.implausible_floor_ratio * Decimal(ours.amount):
        sentence = (
            f"The competitor's price ({theirs}) is less than {ratio_as_percent(policy.implausible_floor_ratio)} "
            f"of ours ({ours}), so a person will check it before approval."
        )
        found.append(("implausibly_low", sentence))
    found += _evidence_doubts(report, competitor)
    found += _sameness_doubts(report, ctx.variant)
    cap = policy.per_unit_cap_minor
    if cap is not None and terms.amount_off > cap:
        sentence = (
            f"The price match would take {Money(terms.amount_off, terms.currency)} off per unit, more than the "
            f"{Money(cap, terms.currency)} the policy approves by itself, so a person will decide."
        )
        found.append(("above_per_unit_cap", sentence))
    return found


def _verdict(outcome: Outcome, findings: list[Finding], now: datetime) -> Decision:
    return Decision(outcome, [s for _, s in findings], decided_at=now, codes=[c for c, _ in findings])


def _refund(ctx: DecisionContext, terms: DiscountTerms, policy: PriceMatchPolicy) -> Refund | None:
    if ctx.purchase is None:
        return None
    p = ctx.purchase
    return Refund(p.order_id, min(p.quantity, policy.max_units), p.paid_unit_price - terms.final_unit_price,
                  p.currency)


def decide(report: CompetitorReport, context: DecisionContext, policy: PriceMatchPolicy) -> Decision:
    """Approve, reject or escalate ``report``. Pure: the same inputs give the same decision.

    With ``context.purchase`` set, ``our_price`` is what the customer paid per unit, and an approval
    refunds the difference to the promised price (for at most ``max_units`` units).
    """
    ours, competitor, now = context.our_price, context.competitor, context.now
    rejections = [
        *_competitor_checks(report, competitor),
        *_price_checks(report, ours),
        *_report_checks(report, policy),
        *_limit_checks(report, context, policy),
        *_variant_checks(report, context.variant),
    ]
    terms = None
    if ours is not None and not rejections:
        try:
            terms = terms_for(ours, report.competitor_price, policy, now, sku=report.sku, region=report.region)
        except ValueError as exc:
            rejections.append(("price_unmatchable", f"{str(exc)[0].upper()}{str(exc)[1:]}."))
    if rejections or ours is None or competitor is None or terms is None:
        return _verdict("rejected", rejections, now)
    doubts = _doubts(report, ours, competitor, policy, context, terms)
    if doubts:
        return _verdict("needs_review", doubts, now)
    final = Money(terms.final_unit_price, terms.currency)
    refund = _refund(context, terms, policy)
    if refund is not None:
        reason = (
            f"{competitor.name} is a licensed clinic in {report.region} and its price ({report.competitor_price}) "
            f"is lower than what you paid ({ours}): {Money(refund.per_unit, refund.currency)} per unit "
            f"({Money(refund.amount, refund.currency)} in all) is refunded on your order."
        )
        return Decision("approved", [reason], terms, decided_at=now, codes=["approved_refund"], refund=refund)
    reason = (
        f"{competitor.name} is a licensed clinic in {report.region} and its price "
        f"({report.competitor_price}) is lower than ours ({ours}): with the price match, "
        f"{report.sku} costs {final} per unit (at most {terms.max_units} per order, in {report.region})."
    )
    return Decision("approved", [reason], terms, decided_at=now, codes=["approved"])
