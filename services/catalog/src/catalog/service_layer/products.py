"""Catalog use cases. Each change commits with its event (through the outbox) or not at all."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from catalog.adapters.products import ProductFilter, ProductRepository
from catalog.domain.product import Product, ProductInvalid, Sku
from catalog.domain.vocabulary import Status
from catalog.service_layer.list_cache import Answer, ListCache, entity_tag
from clinic_shared.application_errors import Conflict, NotFound
from clinic_shared.events.base import utcnow
from clinic_shared.runtime import ServiceRuntime


async def _check_unique(repo: ProductRepository, p: Product, other_than: str | None = None) -> None:
    if await repo.slug_taken(p.slug, other_than):
        raise Conflict(f"The slug '{p.slug}' is already used by another product.")
    taken = await repo.skus_taken([s.sku for s in p.skus], other_than)
    if taken:
        raise Conflict(f"SKU(s) already used by another product: {', '.join(taken)}.")


async def create_product(runtime: ServiceRuntime, data: dict[str, Any]) -> Product:
    now = utcnow()
    skus = [Sku(**s) for s in data.pop("skus")]
    product = Product(id=str(uuid.uuid4()), skus=skus, version=1, created_at=now, updated_at=now, **data)
    product.check()
    if product.status is Status.archived:
        raise ProductInvalid("A new product is draft or active, not archived.")
    async with runtime.transaction() as tx:
        repo = ProductRepository(tx.session)
        await _check_unique(repo, product)
        await repo.add(product)
        tx.track(product).record_saved(before=None)
    return product


class _VersionMoved(Exception):
    """The product's stored version changed between our read and our write."""


# Without If-Match a writer that loses the race re-reads and applies its change on top (its own,
# new version); with If-Match it gets a 409 instead. Bounded: a product is not edited 5 times at once.
_RETRIES = 5


def _precondition(current: Product, if_match: int | None) -> None:
    if if_match is not None and current.version != if_match:
        raise Conflict(f"The product is at version {current.version}, not {if_match} (If-Match): someone else "
                       "changed it. Reload it and apply your change again.")


async def update_product(
    runtime: ServiceRuntime, product_id: str, changes: dict[str, Any], if_match: int | None = None
) -> Product:
    for _ in range(_RETRIES):
        try:
            return await _update_once(runtime, product_id, dict(changes), if_match)
        except _VersionMoved:
            if if_match is not None:
                raise Conflict("The product changed while you saved it (If-Match). "
                               "Reload it and apply your change again.") from None
    raise Conflict("The product is being changed by others right now; try again.")


async def _update_once(
    runtime: ServiceRuntime, product_id: str, changes: dict[str, Any], if_match: int | None
) -> Product:
    async with runtime.transaction() as tx:
        repo = ProductRepository(tx.session)
        current = await repo.get(product_id)
        if current is None:
            raise NotFound(f"No product with id {product_id}.")
        _precondition(current, if_match)
        if current.status is Status.archived:
            raise Conflict("An archived product cannot be changed.")
        if changes.get("status") == Status.archived:
            raise ProductInvalid("Archive a product with POST /products/{id}/archive.")
        if "skus" in changes:
            changes["skus"] = [Sku(**s) for s in changes["skus"]]
        updated = replace(current, **changes, version=current.version + 1, updated_at=utcnow())
        updated.check()
        await _check_unique(repo, updated, other_than=product_id)
        if not await repo.save(updated, expected_version=current.version):
            raise _VersionMoved
        tx.track(updated).record_saved(before=current)
    return updated


async def archive_product(runtime: ServiceRuntime, product_id: str, if_match: int | None = None) -> Product:
    for _ in range(_RETRIES):
        try:
            return await _archive_once(runtime, product_id, if_match)
        except _VersionMoved:
            if if_match is not None:
                raise Conflict("The product changed while you archived it (If-Match). "
                               "Reload it and try again.") from None
    raise Conflict("The product is being changed by others right now; try again.")


async def _archive_once(runtime: ServiceRuntime, product_id: str, if_match: int | None) -> Product:
    async with runtime.transaction() as tx:
        repo = ProductRepository(tx.session)
        current = await repo.get(product_id)
        if current is None:
            raise NotFound(f"No product with id {product_id}.")
        if current.status is Status.archived:
            return current  # archiving twice is the same archive: no second event
        _precondition(current, if_match)
        archived = replace(current, status=Status.archived, version=current.version + 1, updated_at=utcnow())
        if not await repo.save(archived, expected_version=current.version):
            raise _VersionMoved
        tx.track(archived).record_archived()
    return archived


async def list_products(
    runtime: ServiceRuntime, cache: ListCache, f: ProductFilter, limit: int, offset: int,
    render: Callable[[list[Product], int], bytes],
) -> Answer:
    """The public list as the bytes to send: from the cache when the catalog has not changed since it
    was kept (one statement), else read (the page with its total, then the children) and rendered.
    Read-only, so no transaction: no BEGIN and ROLLBACK round trips around the statements."""
    key = (f, limit, offset)
    async with runtime.sessions() as session:
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        repo = ProductRepository(session)
        generation = await repo.generation()
        if (kept := cache.get(key, generation)) is not None:
            return kept
        # (A write committed since `generation` was read may already be in the page: the answer is
        # then kept under the older generation, and the next request, seeing the newer one, reads again.)
        items, total = await repo.search(f, limit, offset)
    body = render(items, total)
    answer = Answer(generation, body, entity_tag(body))
    cache.put(key, answer)
    return answer


async def product_by_slug(runtime: ServiceRuntime, slug: str, public: bool = True) -> Product:
    async with runtime.sessions() as session:
        product = await ProductRepository(session).get_by_slug(slug)
    if product is None or (public and not product.for_sale):
        raise NotFound(f"No product with slug '{slug}'.")
    return product
