"""Filters return exactly the matching products: generated catalogs on real PostgreSQL (hypothesis)."""

from __future__ import annotations

import asyncio
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from catalog.adapters.orm import product_conditions, products, skus
from catalog.adapters.products import ProductFilter, ProductRepository
from catalog.domain.product import Product, Sku
from catalog.domain.vocabulary import Category, Condition, Route, Status
from catalog.settings import CatalogSettings
from clinic_shared import db

words = st.sampled_from(["ketamine", "troche", "calm", "Infusion", "care", "plan", "50%_off", "nasal"])


@st.composite
def catalogs(draw: st.DrawFn) -> list[Product]:
    n = draw(st.integers(0, 12))
    out = []
    for i in range(n):
        out.append(Product(
            id=str(uuid.uuid4()), slug=f"p-{i}", name=" ".join(draw(st.lists(words, min_size=1, max_size=3))),
            description=" ".join(draw(st.lists(words, max_size=4))), category=draw(st.sampled_from(list(Category))),
            route=draw(st.none() | st.sampled_from(list(Route))),
            conditions=sorted(draw(st.sets(st.sampled_from(list(Condition)), max_size=3))),
            regions=["CA"], requires_evaluation=False, status=draw(st.sampled_from(list(Status))),
            skus=[Sku(f"SKU-{i}", "one")],
        ))
    return out


filters = st.builds(
    ProductFilter,
    condition=st.none() | st.sampled_from(list(Condition)), route=st.none() | st.sampled_from(list(Route)),
    category=st.none() | st.sampled_from(list(Category)), q=st.none() | words | st.just("_"),
)


def expected(ps: list[Product], f: ProductFilter) -> list[str]:
    def match(p: Product) -> bool:
        return ((f.status is None or p.status == f.status) and (f.route is None or p.route == f.route)
                and (f.category is None or p.category == f.category)
                and (f.condition is None or f.condition in p.conditions)
                and (not f.q or f.q.lower() in p.name.lower() or f.q.lower() in p.description.lower()))
    return [p.id for p in sorted((p for p in ps if match(p)), key=lambda p: (p.name, p.id))]


def test_filters_return_exactly_the_matching_products_in_a_stable_order(catalog_settings: CatalogSettings) -> None:
    loop = asyncio.new_event_loop()
    engine = db.create_engine(catalog_settings.database_url)
    sessions = db.sessionmaker(engine)

    async def run(ps: list[Product], f: ProductFilter) -> tuple[list[str], int]:
        async with sessions() as s, s.begin():
            for table in (skus, product_conditions, products):
                await s.execute(delete(table))
            repo = ProductRepository(s)
            for p in ps:
                p.created_at = p.updated_at = db_now()
                await repo.add(p)
        async with sessions() as s:
            found, total = await ProductRepository(s).search(f, limit=100, offset=0)
        return [p.id for p in found], total

    @given(ps=catalogs(), f=filters)
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def prop(ps: list[Product], f: ProductFilter) -> None:
        ids, total = loop.run_until_complete(run(ps, f))
        assert ids == expected(ps, f)
        assert total == len(ids)

    try:
        prop()
    finally:
        loop.run_until_complete(engine.dispose())
        loop.close()


def db_now():  # type: ignore[no-untyped-def]
    from clinic_shared.events.base import utcnow

    return utcnow()
