"""Background jobs the runtime runs next to the app."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from clinic_shared.events.base import utcnow
from clinic_shared.runtime import BackgroundJob, ServiceRuntime
from pricing.service_layer.discounts import expire_due
from pricing.service_layer.figures import review_figures

log = logging.getLogger("pricing.jobs")
BATCH = 100


def discount_expiry(interval_seconds: float, grace: timedelta) -> BackgroundJob:
    """Every `interval_seconds`, expire unused discounts past their expiry (plus `grace`): DiscountExpired."""

    async def run(runtime: ServiceRuntime) -> None:
        while True:
            try:
                while await expire_due(runtime, utcnow(), grace, BATCH) == BATCH:
                    pass  # a full batch: there may be more
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("discount expiry failed; trying again later")
            await asyncio.sleep(interval_seconds)

    return run


def review_queue_gauges(interval_seconds: float) -> BackgroundJob:
    """Every `interval_seconds`, refresh the review-queue gauges (backlog, oldest wait) from the database."""

    async def run(runtime: ServiceRuntime) -> None:
        while True:
            try:
                await review_figures(runtime)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("review-queue figures failed; trying again later")
            await asyncio.sleep(interval_seconds)

    return run
