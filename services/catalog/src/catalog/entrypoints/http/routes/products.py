"""Products: the public list and page, and the editors' create, update and archive."""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BeforeValidator

from catalog.adapters.repository import ProductFilter
from catalog.domain.product import Product
from catalog.domain.vocabulary import Category, Condition, Route
from catalog.entrypoints.http.schemas import ProductIn, ProductList, ProductOut, ProductPatch
from catalog.service_layer import products as svc
from clinic_shared.auth import Editor
from clinic_shared.errors import Problem, problem_responses
from clinic_shared.http import RuntimeDep

router = APIRouter(prefix="/products", tags=["products"])
# Paths and queries are checked like bodies: PostgreSQL refuses NUL and broken text with an error.
SlugPath = Annotated[str, Path(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)]
IdPath = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]
EDITOR_ERRORS = problem_responses(401, 403, 404, 409, 422)


def _as_typed(vocabulary: type[StrEnum]) -> BeforeValidator:
    """A filter value as people type it: any case, spaces or hyphens for underscores (`iv`, `PTSD`,
    `nasal spray`). Anything else is left as it came, for the enum to refuse with a 422."""
    words = {member.value.casefold().replace("_", " "): member.value for member in vocabulary}

    def _normalise(value: Any) -> Any:
        if isinstance(value, str):
            return words.get(" ".join(value.replace("_", " ").replace("-", " ").split()).casefold(), value)
        return value

    return BeforeValidator(_normalise)


ConditionQuery = Annotated[Condition | None, _as_typed(Condition)]
RouteQuery = Annotated[Route | None, _as_typed(Route)]
CategoryQuery = Annotated[Category | None, _as_typed(Category)]


def _out(p: Product) -> ProductOut:
    return ProductOut.model_validate(asdict(p))


@router.get("", response_model=ProductList, responses=problem_responses(422))
async def list_products(
    runtime: RuntimeDep,
    condition: ConditionQuery = None,
    route: RouteQuery = None,
    category: CategoryQuery = None,
    q: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00-\x1f]*$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ProductList:
    """Products for sale, in a stable order (name, then id), filtered and paginated. The filters
    accept their values in any case, with spaces or hyphens for underscores (`route=iv`)."""
    f = ProductFilter(condition=condition, route=route, category=category, q=q.strip() if q else None)
    items, total = await svc.list_products(runtime, f, limit, offset)
    return ProductList(items=[_out(p) for p in items], total=total, limit=limit, offset=offset)


@router.get("/{slug}", response_model=ProductOut, responses=problem_responses(404, 422))
async def get_product(runtime: RuntimeDep, slug: SlugPath) -> ProductOut:
    return _out(await svc.product_by_slug(runtime, slug))


@router.post("", status_code=201, response_model=ProductOut, responses=EDITOR_ERRORS)
async def create_product(runtime: RuntimeDep, body: ProductIn, _: Editor) -> ProductOut:
    data = body.model_dump()
    return _out(await svc.create_product(runtime, data))


@router.patch("/{product_id}", response_model=ProductOut, responses=EDITOR_ERRORS)
async def update_product(runtime: RuntimeDep, product_id: IdPath, body: ProductPatch, _: Editor) -> ProductOut:
    changes = body.model_dump(exclude_unset=True)
    nulls = [k for k, v in changes.items() if v is None and k != "route"]
    if nulls:
        raise Problem(422, "Invalid request", f"These fields cannot be null: {', '.join(nulls)}.")
    return _out(await svc.update_product(runtime, product_id, changes))


@router.post("/{product_id}/archive", response_model=ProductOut, responses=EDITOR_ERRORS)
async def archive_product(runtime: RuntimeDep, product_id: IdPath, _: Editor) -> ProductOut:
    """Take a product off sale everywhere (its event reaches pricing, cart and content)."""
    return _out(await svc.archive_product(runtime, product_id))
