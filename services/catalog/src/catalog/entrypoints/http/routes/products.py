"""Products: the public list and page, and the editors' create, update and archive."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import TypeAdapter

from catalog.adapters.products import ProductFilter
from catalog.domain.product import Product
from catalog.entrypoints.http.deps import (
    CategoryQuery,
    ConditionQuery,
    IdPath,
    IfMatch,
    ListCacheDep,
    RouteQuery,
    SlugPath,
)
from catalog.entrypoints.http.schemas import ProductIn, ProductList, ProductOut, ProductPatch
from catalog.service_layer import products as svc
from clinic_shared.auth import Editor
from clinic_shared.errors import Problem, problem_responses
from clinic_shared.http import RuntimeDep

router = APIRouter(prefix="/products", tags=["products"])
EDITOR_ERRORS = problem_responses(401, 403, 404, 409, 422)
CHANGE_ERRORS = problem_responses(400, 401, 403, 404, 409, 422)


def _out(p: Product, response: Response | None = None) -> ProductOut:
    if response is not None:
        response.headers["ETag"] = etag(p.version)
    return ProductOut.model_validate(asdict(p))


def etag(version: int) -> str:
    """A product's entity tag is its version: `If-Match` with it makes a change conditional."""
    return f'"{version}"'


def if_match_version(value: str | None) -> int | None:
    """The version an `If-Match` header names; None when absent or `*` (then the change is not
    conditional, but the write still checks the version it read: no lost update either way)."""
    if value is None or value.strip() == "*":
        return None
    tag = value.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    tag = tag.strip('"')
    if not tag.isdigit() or len(tag) > 12:
        raise Problem(400, "Bad Request", 'If-Match must be the ETag of a product, e.g. "3".')
    return int(tag)


# The list's bytes exactly as FastAPI renders a ProductList response_model (pydantic's JSON dump).
_LIST_JSON = TypeAdapter(ProductList)
# Any cache may keep the list but must ask again each time (If-None-Match): a change shows at once.
LIST_CACHE_CONTROL = "public, no-cache"


@router.get("", response_model=ProductList, responses=problem_responses(422))
async def list_products(
    request: Request,
    runtime: RuntimeDep,
    list_cache: ListCacheDep,
    condition: ConditionQuery = None,
    route: RouteQuery = None,
    category: CategoryQuery = None,
    q: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00-\x1f]*$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Products for sale, in a stable order (name, then id), filtered and paginated. The filters
    accept their values in any case, with spaces or hyphens for underscores (`route=iv`)."""
    f = ProductFilter(condition=condition, route=route, category=category, q=q.strip() if q else None)

    def render(items: list[Product], total: int) -> bytes:
        page = ProductList(items=[_out(p) for p in items], total=total, limit=limit, offset=offset)
        return _LIST_JSON.dump_json(page)

    answer = await svc.list_products(runtime, list_cache, f, limit, offset, render)
    headers = {"ETag": answer.etag, "Cache-Control": LIST_CACHE_CONTROL}
    tags = _tags(request.headers.get("if-none-match"))
    if answer.etag in tags or "*" in tags:
        return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type="application/json", headers=headers)


def _tags(if_none_match: str | None) -> set[str]:
    """The entity tags an If-None-Match names (weak ones compare equal too, RFC 9110 13.1.2)."""
    if not if_none_match:
        return set()
    return {t.strip().removeprefix("W/") for t in if_none_match.split(",")}


@router.get("/{slug}", response_model=ProductOut, responses=problem_responses(404, 422))
async def get_product(runtime: RuntimeDep, slug: SlugPath, response: Response) -> ProductOut:
    return _out(await svc.product_by_slug(runtime, slug), response)


@router.post("", status_code=201, response_model=ProductOut, responses=EDITOR_ERRORS)
async def create_product(runtime: RuntimeDep, body: ProductIn, _: Editor, response: Response) -> ProductOut:
    data = body.model_dump()
    return _out(await svc.create_product(runtime, data), response)


@router.patch("/{product_id}", response_model=ProductOut, responses=CHANGE_ERRORS)
async def update_product(
    runtime: RuntimeDep, product_id: IdPath, body: ProductPatch, _: Editor, response: Response,
    if_match: IfMatch = None,
) -> ProductOut:
    """Change a product; `If-Match: "<version>"` (the ETag) makes it fail with 409 if someone changed it first."""
    expected = if_match_version(if_match)
    changes = body.model_dump(exclude_unset=True)
    nulls = [k for k, v in changes.items() if v is None and k != "route"]
    if nulls:
        raise Problem(422, "Invalid request", f"These fields cannot be null: {', '.join(nulls)}.")
    return _out(await svc.update_product(runtime, product_id, changes, expected), response)


@router.post("/{product_id}/archive", response_model=ProductOut, responses=CHANGE_ERRORS)
async def archive_product(
    runtime: RuntimeDep, product_id: IdPath, _: Editor, response: Response, if_match: IfMatch = None,
) -> ProductOut:
    """Take a product off sale everywhere (its event reaches pricing, cart and content); If-Match is honoured."""
    return _out(await svc.archive_product(runtime, product_id, if_match_version(if_match)), response)
