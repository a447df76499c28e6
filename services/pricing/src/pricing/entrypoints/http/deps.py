"""Dependencies and parameters the routes share: the typed runtime and the price-match policy of its
settings, a SKU in a path, a report's idempotency key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Request

from pricing.domain import PriceMatchPolicy
from pricing.entrypoints.http.schemas import SKU_PATTERN
from pricing.settings import PricingRuntime


async def get_runtime(request: Request) -> PricingRuntime:
    runtime: PricingRuntime = request.app.state.runtime  # built by bootstrap.build_runtime, typed there
    return runtime


RuntimeDep = Annotated[PricingRuntime, Depends(get_runtime)]


async def get_policy(runtime: RuntimeDep) -> PriceMatchPolicy:
    """The policy of the settings the app runs with (checked when they were read, at start-up)."""
    return runtime.settings.policy()


PolicyDep = Annotated[PriceMatchPolicy, Depends(get_policy)]
SkuPath = Annotated[str, Path(pattern=SKU_PATTERN, min_length=2, max_length=64)]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", pattern=r"^[A-Za-z0-9._:-]{1,200}$",
    description="Makes a resubmission the same report (per customer)",
)]
