"""Discounts: a customer's own price-match discounts; ops revoke one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from clinic_shared.auth import CustomerOrOps, Ops
from clinic_shared.errors import problem_responses
from pricing.domain import DiscountStatus
from pricing.entrypoints.http.deps import RuntimeDep
from pricing.entrypoints.http.schemas import DecisionIn, DiscountList, DiscountOut
from pricing.service_layer import discounts as svc

router = APIRouter(prefix="/discounts", tags=["discounts"])


def _out(view: svc.DiscountView) -> DiscountOut:
    d, now = view.discount, view.amount_off_now_and_final
    return DiscountOut(id=d.id, sku=d.sku, status=d.status, amount_off=d.amount_off,
                       final_unit_price=d.final_unit_price, currency=d.currency, expires_at=d.expires_at,
                       report_id=d.report_id, granted_at=d.granted_at, redeemed_order_id=d.redeemed_order_id,
                       order_id=d.redeemed_order_id, redeemed_at=d.redeemed_at, revoked_reason=d.revoked_reason,
                       percent_off=d.percent_off, our_unit_price_at_grant=d.our_unit_price_at_grant,
                       competitor_unit_price=d.competitor_unit_price, region=d.region, max_units=d.max_units,
                       current_unit_price=view.current_unit_price, amount_off_now=now[0] if now else None,
                       final_unit_price_now=now[1] if now else None)


@router.get("", response_model=DiscountList, responses=problem_responses(401, 403, 422))
async def my_discounts(
    runtime: RuntimeDep, user: CustomerOrOps, status: DiscountStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50, offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> DiscountList:
    """The caller's discounts, newest first (`status=granted` for those still usable), with their expiry, the
    order that used one (`order_id`), and what one unit costs today by the promise."""
    items, total = await svc.discounts_of(runtime, user.sub, status, limit, offset)
    return DiscountList(items=[_out(d) for d in items], total=total)


@router.get("/{discount_id}", response_model=DiscountOut, responses=problem_responses(401, 403, 404, 422))
async def get_discount(runtime: RuntimeDep, discount_id: uuid.UUID, user: CustomerOrOps) -> DiscountOut:
    """One discount (its owner or ops)."""
    return _out(await svc.discount_for(runtime, str(discount_id), user))


@router.post("/{discount_id}/revoke", response_model=DiscountOut, responses=problem_responses(401, 403, 404, 409, 422))
async def revoke_discount(runtime: RuntimeDep, discount_id: uuid.UUID, body: DecisionIn, _: Ops) -> DiscountOut:
    """Withdraw an unused discount (ops), with a reason."""
    return _out(await svc.view(runtime, await svc.revoke_discount(runtime, str(discount_id), body.reason)))
