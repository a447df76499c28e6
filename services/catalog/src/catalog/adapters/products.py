"""Reading and writing products in the catalog's own tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, literal_column, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from catalog.adapters.orm import product_conditions, products, skus
from catalog.domain.product import Product, Sku
from catalog.domain.vocabulary import Category, Condition, Route, Status


@dataclass(frozen=True)
class ProductFilter:
    condition: Condition | None = None
    route: Route | None = None
    category: Category | None = None
    q: str | None = None
    status: Status | None = Status.active


class ProductRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, product_id: str) -> Product | None:
        row = (await self.session.execute(select(products).where(products.c.id == product_id))).first()
        return (await self._load([row]))[0] if row else None

    async def get_by_slug(self, slug: str) -> Product | None:
        row = (await self.session.execute(select(products).where(products.c.slug == slug))).first()
        return (await self._load([row]))[0] if row else None

    async def slug_taken(self, slug: str, other_than: str | None = None) -> bool:
        stmt = select(products.c.id).where(products.c.slug == slug)
        if other_than:
            stmt = stmt.where(products.c.id != other_than)
        return (await self.session.execute(stmt)).first() is not None

    async def skus_taken(self, codes: list[str], other_than: str | None = None) -> list[str]:
        stmt = select(skus.c.sku).where(skus.c.sku.in_(codes))
        if other_than:
            stmt = stmt.where(skus.c.product_id != other_than)
        return sorted(r[0] for r in await self.session.execute(stmt))

    async def search(self, f: ProductFilter, limit: int, offset: int) -> tuple[list[Product], int]:
        stmt = select(products)
        if f.status is not None:
            stmt = stmt.where(products.c.status == f.status.value)
        if f.route is not None:
            stmt = stmt.where(products.c.route == f.route.value)
        if f.category is not None:
            stmt = stmt.where(products.c.category == f.category.value)
        if f.condition is not None:
            stmt = stmt.where(products.c.id.in_(
                select(product_conditions.c.product_id).where(product_conditions.c.condition == f.condition.value)
            ))
        if f.q:
            escaped = f.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like = f"%{escaped}%"
            stmt = stmt.where(or_(func.lower(products.c.name).like(like, escape="\\"),
                                  func.lower(products.c.description).like(like, escape="\\")))
        # The total rides on the page (a window count is taken before LIMIT): one statement, not two.
        # Only a page past the end has no row to carry it; then it is counted on its own.
        page = (stmt.add_columns(func.count().over().label("total_matching"))
                .order_by(products.c.name, products.c.id).limit(limit).offset(offset))
        rows = (await self.session.execute(page)).all()
        if rows:
            total = rows[0].total_matching
        elif offset == 0:
            total = 0
        else:
            total = (await self.session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
        return await self._load(rows), int(total)

    async def generation(self) -> tuple[Any, ...]:
        """What changes whenever any product does (a cache key, not a figure): every write bumps one
        product's version by one or adds a product, and sets its updated_at; products are never deleted
        (archived instead), and a reset that reloads the same data has later timestamps."""
        stmt = select(func.count(), func.coalesce(func.sum(products.c.version), 0), func.max(products.c.updated_at))
        return tuple((await self.session.execute(stmt)).one())

    async def add(self, p: Product) -> None:
        await self.session.execute(insert(products).values(**self._row(p), created_at=p.created_at))
        await self._write_children(p)

    async def save(self, p: Product, *, expected_version: int) -> bool:
        """Write `p` only if the stored row still has `expected_version` (optimistic concurrency).

        The check is in the UPDATE's WHERE clause, so two writers that read the same version cannot
        both win: on PostgreSQL the second UPDATE waits for the first to commit, re-reads the row, and
        matches nothing. Returns False (and writes nothing) when the version moved on."""
        result = await self.session.execute(
            update(products).where(products.c.id == p.id, products.c.version == expected_version)
            .values(**self._row(p))
        )
        if getattr(result, "rowcount", 0) != 1:
            return False
        await self.session.execute(delete(product_conditions).where(product_conditions.c.product_id == p.id))
        await self.session.execute(delete(skus).where(skus.c.product_id == p.id))
        await self._write_children(p)
        return True

    @staticmethod
    def _row(p: Product) -> dict[str, object]:
        return {
            "id": p.id, "slug": p.slug, "name": p.name, "description": p.description,
            "category": p.category.value, "route": p.route.value if p.route else None,
            "regions": sorted(p.regions), "requires_evaluation": p.requires_evaluation,
            "status": p.status.value, "version": p.version, "updated_at": p.updated_at,
        }

    async def _write_children(self, p: Product) -> None:
        if p.conditions:
            await self.session.execute(insert(product_conditions),
                                       [{"product_id": p.id, "condition": c.value} for c in p.conditions])
        await self.session.execute(insert(skus), [
            {"sku": s.sku, "product_id": p.id, "position": i, "label": s.label, "dose": s.dose,
             "sessions": s.sessions, "supply_days": s.supply_days} for i, s in enumerate(p.skus)
        ])

    async def _load(self, rows: Sequence[Any]) -> list[Product]:
        """The products of `rows` with their SKUs and conditions, fetched together in one statement
        (a UNION ALL of both child tables), whatever the number of products."""
        ids = [r.id for r in rows]
        conds: dict[str, list[Condition]] = {i: [] for i in ids}
        sku_map: dict[str, list[Sku]] = {i: [] for i in ids}
        if ids:
            sku_part = select(skus.c.product_id, literal_column("1").label("kind"), skus.c.position,
                              skus.c.sku.label("code"), skus.c.label, skus.c.dose, skus.c.sessions,
                              skus.c.supply_days).where(skus.c.product_id.in_(ids))
            none: ColumnElement[Any] = literal_column("NULL")
            cond_part = select(product_conditions.c.product_id, literal_column("0"), literal_column("0"),
                               product_conditions.c.condition, none, none, none, none
                               ).where(product_conditions.c.product_id.in_(ids))
            children = union_all(sku_part, cond_part).subquery()
            ordered = select(children).order_by(children.c.kind, children.c.position, children.c.code)
            for c in await self.session.execute(ordered):
                if c.kind:
                    sku_map[c.product_id].append(Sku(c.code, c.label, c.dose, c.sessions, c.supply_days))
                else:
                    conds[c.product_id].append(Condition(c.code))
        return [
            Product(
                id=r.id, slug=r.slug, name=r.name, description=r.description, category=Category(r.category),
                route=Route(r.route) if r.route else None, conditions=conds[r.id], regions=r.regions,
                requires_evaluation=r.requires_evaluation, status=Status(r.status), skus=sku_map[r.id],
                version=r.version, created_at=r.created_at, updated_at=r.updated_at,
            )
            for r in rows
        ]
