"""The cart's migrations on both databases: 0002_cart_rules upgrades (keeping old orders' discounted units),
matches the tables the code uses, and downgrades."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from cart.adapters.orm import metadata
from clinic_shared.db import create_engine

SERVICE_DIR = Path(__file__).resolve().parents[2]


def _alembic(url: str, action: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(SERVICE_DIR / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    getattr(command, action)(cfg, revision)


async def _check(url: str) -> None:
    await asyncio.to_thread(_alembic, url, "upgrade", "0001")
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:  # an order made before 0002, with a discount on its 3 units
            await conn.execute(text(
                "INSERT INTO orders (id, cart_id, customer_id, region, status, subtotal, discount_total, total, "
                "currency, created_at, updated_at) VALUES ('o1', 'c1', 'u1', 'NY', 'paid', 90000, 18000, 72000, "
                "'USD', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            await conn.execute(text(
                "INSERT INTO order_lines (order_id, position, sku, product_id, name, category, quantity, "
                "unit_price_seen, unit_price, discount_id, discount_per_unit, line_total) VALUES "
                "('o1', 0, 'TRO-30', 'p1', 'T', 'troche', 3, 30000, 30000, 'd1', 6000, 72000)"))
        await asyncio.to_thread(_alembic, url, "upgrade", "head")
        async with engine.connect() as conn:
            units = (await conn.execute(text("SELECT discounted_units FROM order_lines"))).scalar_one()
            refunded = (await conn.execute(text("SELECT amount_refunded FROM orders"))).scalar_one()
            diffs = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), metadata))
        assert (units, refunded) == (3, 0)
        assert [d for d in diffs if d[0] != "remove_table"] == [], diffs  # alembic's own version table aside
        await asyncio.to_thread(_alembic, url, "downgrade", "0001")
        async with engine.connect() as conn:
            cols = await conn.run_sync(lambda c: [col["name"] for col in inspect(c).get_columns("discounts")])
        assert "reserved_by_order" not in cols
        await asyncio.to_thread(_alembic, url, "upgrade", "head")
    finally:
        await engine.dispose()


async def test_0002_cart_rules_on_sqlite(tmp_path: Path) -> None:
    await _check(f"sqlite+aiosqlite:///{tmp_path}/cart.db")


async def test_0002_cart_rules_on_postgresql(pg_url: str) -> None:
    if not pg_url.startswith("postgresql"):
        pytest.fail("PostgreSQL is needed", pytrace=False)
    await _check(pg_url)
