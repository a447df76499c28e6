"""Orders: the snapshot a checkout made, and its payment state; the signed-in customer's list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cart.entrypoints.http.deps import CallerDep, Id, RuntimeDep
from cart.entrypoints.http.schemas import OrderOut, OrderPage
from cart.service_layer.orders import get_order, list_orders
from clinic_shared.errors import problem_responses

router = APIRouter(prefix="/orders", tags=["orders"])


@router.get("", response_model=OrderPage, responses=problem_responses(401, 403, 422))
async def my_orders(runtime: RuntimeDep, caller: CallerDep, limit: Annotated[int, Query(ge=1, le=100)] = 20,
                    offset: Annotated[int, Query(ge=0, le=100_000)] = 0) -> OrderPage:
    """The signed-in customer's orders, newest first (`customer` role). Orders placed signed out show here
    once their cart is claimed (`POST /carts/{id}/claim`)."""
    items, total = await list_orders(runtime, caller, limit=limit, offset=offset)
    return OrderPage(items=[OrderOut.of(o) for o in items], total=total, limit=limit, offset=offset)


@router.get("/{order_id}", response_model=OrderOut, responses=problem_responses(401, 404, 422))
async def read_order(runtime: RuntimeDep, caller: CallerDep, order_id: Id) -> OrderOut:
    """The customer's bearer, ops, or for an anonymous order its cart's `X-Cart-Token`."""
    return OrderOut.of(await get_order(runtime, order_id, caller))
