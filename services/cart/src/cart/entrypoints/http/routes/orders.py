"""Orders: the snapshot a checkout made, and its payment state."""

from __future__ import annotations

from fastapi import APIRouter

from cart.entrypoints.http.deps import CallerDep, Id
from cart.entrypoints.http.schemas import OrderOut
from cart.service_layer.orders import get_order
from clinic_shared.errors import problem_responses
from clinic_shared.http import RuntimeDep

router = APIRouter(prefix="/orders", tags=["orders"])


@router.get("/{order_id}", response_model=OrderOut, responses=problem_responses(401, 404, 422))
async def read_order(runtime: RuntimeDep, caller: CallerDep, order_id: Id) -> OrderOut:
    """The customer's bearer, ops, or for an anonymous order its cart's `X-Cart-Token`."""
    return OrderOut.of(await get_order(runtime, order_id, caller))
