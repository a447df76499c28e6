"""Dependencies and parameters the routes share: the price-match policy the app was built with, a SKU
in a path, a report's idempotency key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Request

from pricing.domain import PriceMatchPolicy
from pricing.entrypoints.http.schemas import SKU_PATTERN


async def get_policy(request: Request) -> PriceMatchPolicy:
    policy: PriceMatchPolicy = request.app.state.policy
    return policy


PolicyDep = Annotated[PriceMatchPolicy, Depends(get_policy)]
SkuPath = Annotated[str, Path(pattern=SKU_PATTERN, min_length=2, max_length=64)]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", pattern=r"^[A-Za-z0-9._:-]{1,200}$",
    description="Makes a resubmission the same report (per customer)",
)]
