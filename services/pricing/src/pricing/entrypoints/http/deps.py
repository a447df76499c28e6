"""Dependencies the routes share: the price-match policy the app was built with."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pricing.domain import PriceMatchPolicy


async def get_policy(request: Request) -> PriceMatchPolicy:
    policy: PriceMatchPolicy = request.app.state.policy
    return policy


PolicyDep = Annotated[PriceMatchPolicy, Depends(get_policy)]
