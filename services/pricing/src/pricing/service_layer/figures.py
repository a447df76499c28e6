"""The review queue in figures, for ops: how many reports wait, how long the oldest has, how fast people decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from clinic_shared.events.base import utcnow
from clinic_shared.runtime import ServiceRuntime
from pricing.adapters.orm import reports
from pricing.adapters.reports import ReportRepository
from pricing.service_layer import metrics

SAMPLE = 5000  # the most recent ops decisions the percentiles are taken over


@dataclass(frozen=True)
class ReviewFigures:
    backlog: int
    oldest_wait_seconds: float | None
    p50: float | None
    p95: float | None
    decided: int


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100), at least 1
    return ordered[int(rank) - 1]


async def review_figures(runtime: ServiceRuntime) -> ReviewFigures:
    now = utcnow()
    async with runtime.sessions() as session:
        backlog, oldest = await ReportRepository(session).waiting()
        rows = await session.execute(
            select(reports.c.created_at, reports.c.decided_at)
            .where(reports.c.decided_by.is_not(None), reports.c.decided_by != "policy",
                   reports.c.decided_at > now - timedelta(days=30))
            .order_by(reports.c.decided_at.desc()).limit(SAMPLE))
        waits = [max((r.decided_at - r.created_at).total_seconds(), 0.0) for r in rows]
    oldest_wait = None if oldest is None else max((now - oldest).total_seconds(), 0.0)
    metrics.review_queue(backlog, oldest_wait)
    return ReviewFigures(backlog, oldest_wait, percentile(waits, 50), percentile(waits, 95), len(waits))
