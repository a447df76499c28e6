"""Prices: anyone reads the price of a SKU; ops set it (and read its history)."""

from __future__ import annotations

from fastapi import APIRouter

from clinic_shared.auth import Ops
from clinic_shared.errors import problem_responses
from pricing.entrypoints.http.deps import RuntimeDep, SkuPath
from pricing.entrypoints.http.schemas import PriceHistoryOut, PriceIn, PriceOut, PriceVersionOut
from pricing.service_layer import prices as svc

router = APIRouter(prefix="/prices", tags=["prices"])


def _out(view: svc.PriceView) -> PriceOut:
    p = view.price
    return PriceOut(sku=p.sku, unit_price=p.unit_price, currency=p.currency, version=p.version,
                    updated_at=p.updated_at, for_sale=view.for_sale)


@router.get("/{sku}", response_model=PriceOut, responses=problem_responses(404, 422))
async def get_price(runtime: RuntimeDep, sku: SkuPath) -> PriceOut:
    """The current price of a SKU. A SKU without a price is not for sale (404)."""
    return _out(await svc.price_of(runtime, sku))


@router.put("/{sku}", response_model=PriceOut, responses=problem_responses(401, 403, 422))
async def put_price(runtime: RuntimeDep, sku: SkuPath, body: PriceIn, user: Ops) -> PriceOut:
    """Set the price of a SKU (ops). A change makes a new version and a PriceChanged event."""
    return _out(await svc.set_price(runtime, sku, body.unit_price, body.currency, user.sub))


@router.get("/{sku}/history", response_model=PriceHistoryOut, responses=problem_responses(401, 403, 404, 422))
async def get_price_history(runtime: RuntimeDep, sku: SkuPath, _: Ops) -> PriceHistoryOut:
    """Every price the SKU had, newest first (ops)."""
    history = await svc.history_of(runtime, sku)
    return PriceHistoryOut(sku=sku, items=[
        PriceVersionOut(unit_price=p.unit_price, currency=p.currency, version=p.version, changed_at=p.updated_at,
                        changed_by=p.updated_by) for p in history
    ])
