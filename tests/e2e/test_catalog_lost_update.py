"""Catalog lost update across services (issue 9, item 7): two racing PATCHes, and the catalog, content
and cart (each its own app and PostgreSQL database, on the real broker) end with the same product.

Before the fix both PATCHes wrote version 2 and published two different snapshots with it; content
and cart kept whichever arrived first, the catalog the one that committed last: they disagreed for good.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text

from cart.bootstrap import create_app as cart_app
from cart.settings import CartSettings
from catalog.bootstrap import create_app as catalog_app
from catalog.demo.load import demo_products
from catalog.settings import CatalogSettings
from clinic_shared import db
from clinic_shared.events.envelope import decode
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import auth_headers, eventually, read_topic, running, service_test_settings
from content.bootstrap import create_app as content_app
from content.settings import ContentSettings

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
EDITOR = auth_headers("editor-1", "editor")


@asynccontextmanager
async def fresh_database(infra: Infra, service: str) -> AsyncIterator[str]:
    name = f"t_{service}_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(infra.pg_admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = infra.database_url(name)
    try:
        await db.upgrade_async(ROOT / "services" / service, url)
        yield url
    finally:
        conn = await asyncpg.connect(infra.pg_admin_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


async def view(url: str, sql: str, pid: str) -> tuple[str, int] | None:
    engine = db.create_engine(url)
    try:
        async with engine.connect() as conn:
            row = (await conn.execute(text(sql), {"pid": pid})).first()
    finally:
        await engine.dispose()
    return (row[0], int(row[1])) if row else None


async def test_two_racing_patches_leave_catalog_content_and_cart_with_the_same_product(
    infra: Infra, topic_prefix: str,
) -> None:
    async with AsyncExitStack() as stack:
        urls = {s: await stack.enter_async_context(fresh_database(infra, s)) for s in ("catalog", "content", "cart")}
        common = {"kafka_topic_partitions": 1}
        catalog = await stack.enter_async_context(running(catalog_app(CatalogSettings(
            **{**service_test_settings(infra, urls["catalog"], topic_prefix), **common}))))
        await stack.enter_async_context(running(content_app(ContentSettings(
            **service_test_settings(infra, urls["content"], topic_prefix), comment_email_pepper="pepper-" + uuid.uuid4().hex))))
        await stack.enter_async_context(running(cart_app(CartSettings(
            **service_test_settings(infra, urls["cart"], topic_prefix),
            stripe_api_base=infra.stripe_mock_url or "http://127.0.0.1:12111"))))

        product = next(p for p in demo_products() if p["status"] == "active")
        created = await catalog.post("/products", json=product, headers=EDITOR)
        assert created.status_code == 201, created.text
        pid = created.json()["id"]

        # Both PATCHes read version 1, then wait at their UPDATE behind a row lock; released together.
        plain = urls["catalog"].replace("postgresql+asyncpg://", "postgresql://", 1)
        holder, watcher = await asyncpg.connect(plain), await asyncpg.connect(plain)
        try:
            tx = holder.transaction()
            await tx.start()
            await holder.execute("SELECT 1 FROM products WHERE id = $1 FOR UPDATE", pid)
            calls = [asyncio.create_task(catalog.patch(f"/products/{pid}", json={"name": name}, headers=EDITOR))
                     for name in ("Name A", "Name B")]

            async def both_wait() -> bool:
                return bool(await watcher.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query ILIKE 'UPDATE products%'") == 2)

            await eventually(both_wait, timeout=30)
            await tx.rollback()
            answers = await asyncio.gather(*calls)
        finally:
            await holder.close()
            await watcher.close()
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        final = (await catalog.get(f"/products/{product['slug']}")).json()
        expected = (final["name"], final["version"])

        records = await read_topic(infra.kafka, topic_prefix + "catalog.product.v1", expect=3)
        assert [decode(r.headers, r.key, r.value).data["version"] for r in records] == [1, 2, 3]

        async def converged() -> bool:
            content = await view(urls["content"], "SELECT name, version FROM products WHERE id = :pid", pid)
            cart = await view(urls["cart"], "SELECT name, version FROM products WHERE product_id = :pid", pid)
            return content == expected and cart == expected

        await eventually(converged, timeout=60)
    assert expected[1] == 3
