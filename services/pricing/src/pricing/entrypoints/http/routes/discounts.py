"""Discounts: a customer's own price-match discounts; ops revoke one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from clinic_shared.auth import CurrentUser, Ops
from clinic_shared.errors import problem_responses
from clinic_shared.http import RuntimeDep
from pricing.domain import Discount, DiscountStatus
from pricing.entrypoints.http.schemas import DecisionIn, DiscountList, DiscountOut
from pricing.service_layer import discounts as svc

router = APIRouter(prefix="/discounts", tags=["discounts"])


def _out(d: Discount) -> DiscountOut:
    return DiscountOut(id=d.id, sku=d.sku, status=d.status, amount_off=d.amount_off,
                       final_unit_price=d.final_unit_price, currency=d.currency, expires_at=d.expires_at,
                       report_id=d.report_id, granted_at=d.granted_at, redeemed_order_id=d.redeemed_order_id,
                       redeemed_at=d.redeemed_at, revoked_reason=d.revoked_reason)


@router.get("", response_model=DiscountList, responses=problem_responses(401, 422))
async def my_discounts(
    runtime: RuntimeDep, user: CurrentUser, status: DiscountStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50, offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> DiscountList:
    """The caller's discounts, newest first (`status=granted` for those still usable)."""
    items, total = await svc.discounts_of(runtime, user.sub, status, limit, offset)
    return DiscountList(items=[_out(d) for d in items], total=total)


@router.get("/{discount_id}", response_model=DiscountOut, responses=problem_responses(401, 404, 422))
async def get_discount(runtime: RuntimeDep, discount_id: uuid.UUID, user: CurrentUser) -> DiscountOut:
    """One discount (its owner or ops)."""
    return _out(await svc.discount_for(runtime, str(discount_id), user))


@router.post("/{discount_id}/revoke", response_model=DiscountOut, responses=problem_responses(401, 403, 404, 409, 422))
async def revoke_discount(runtime: RuntimeDep, discount_id: uuid.UUID, body: DecisionIn, _: Ops) -> DiscountOut:
    """Withdraw an unused discount (ops), with a reason."""
    return _out(await svc.revoke_discount(runtime, str(discount_id), body.reason))
