"""The price-match policy, public; and the review queue's figures, for ops."""

from __future__ import annotations

from fastapi import APIRouter

from clinic_shared.auth import Ops
from clinic_shared.errors import problem_responses
from pricing.entrypoints.http.deps import PolicyDep, RuntimeDep
from pricing.entrypoints.http.schemas.policy import PolicyOut, ReviewFiguresOut
from pricing.service_layer import figures

router = APIRouter(tags=["price-match"])
DAY = 86400.0


@router.get("/price-match/policy", response_model=PolicyOut)
async def price_match_policy(policy: PolicyDep) -> PolicyOut:
    """Public: what the guarantee gives and its limits (the same settings the decisions use)."""
    return PolicyOut(
        percent_off=policy.discount_percent, basis=policy.basis, per_unit_cap=policy.per_unit_cap_minor,
        max_units=policy.max_units, window_days=policy.match_window.total_seconds() / DAY,
        discount_valid_days=policy.discount_ttl.total_seconds() / DAY,
        report_recency_days=policy.report_recency.total_seconds() / DAY,
        after_purchase_window_days=policy.after_purchase_window.total_seconds() / DAY,
        excluded_price_kinds=sorted(policy.excluded_price_kinds),
    )


@router.get("/ops/price-match/figures", response_model=ReviewFiguresOut, responses=problem_responses(401, 403))
async def review_figures(runtime: RuntimeDep, _: Ops) -> ReviewFiguresOut:
    """Ops: the review backlog, how long the oldest report has waited, and how fast people decide."""
    f = await figures.review_figures(runtime)
    return ReviewFiguresOut(review_backlog=f.backlog, oldest_wait_seconds=f.oldest_wait_seconds,
                            decision_seconds_p50=f.p50, decision_seconds_p95=f.p95,
                            decided_by_ops_last_30_days=f.decided)
