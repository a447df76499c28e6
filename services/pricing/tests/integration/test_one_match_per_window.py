"""One granted match per customer per SKU per window, held by the database: two different reports sent at
once for one customer and SKU give exactly one grant, on PostgreSQL (with or without the per-customer
advisory lock) and on SQLite (where that lock does nothing)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from clinic_shared.db import upgrade_async
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import running, service_test_settings
from pricing.bootstrap import create_app
from pricing.service_layer import reports as reports_service
from pricing.settings import PricingSettings

from .world import World, customer

SERVICE_DIR = Path(__file__).resolve().parents[2]


async def _for_sale(world: World) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()


async def _two_reports_at_once(world: World) -> tuple[list[httpx.Response], int]:
    _, me = customer()
    bodies = [world.report_body(competitor_price=15000), world.report_body(competitor_price=15500)]
    responses = await asyncio.gather(*(world.client.post("/price-match/reports", json=b, headers=me) for b in bodies))
    granted = (await world.client.get("/discounts", headers=me)).json()["total"]
    return list(responses), granted


def _assert_one_grant(responses: list[httpx.Response], granted: int) -> None:
    assert granted == 1
    statuses = sorted((r.status_code, r.json()["status"] if r.status_code == 202 else None) for r in responses)
    # The loser is either decided after the winner (rejected: already matched) or refused by the claim (409).
    assert statuses in ([(202, "approved"), (202, "rejected")], [(202, "approved"), (409, None)]), statuses
    for r in responses:
        if r.status_code == 409:
            assert "already granted" in r.json()["detail"]
        elif r.json()["status"] == "rejected":
            assert r.json()["codes"] == ["already_matched"]


async def test_two_reports_at_once_on_postgresql_give_one_grant(world: World) -> None:
    await _for_sale(world)
    _assert_one_grant(*await _two_reports_at_once(world))


async def test_without_the_advisory_lock_the_claim_alone_gives_one_grant_on_postgresql(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_lock(*_: object) -> None:
        return None

    monkeypatch.setattr(reports_service, "advisory_lock", no_lock)  # as on SQLite: nothing serialises them
    await _for_sale(world)
    for _ in range(3):  # a few rounds: each must end with exactly one grant
        _assert_one_grant(*await _two_reports_at_once(world))


@pytest.fixture
async def sqlite_world(infra: Infra, topic_prefix: str, tmp_path: Path) -> AsyncIterator[World]:
    url = f"sqlite+aiosqlite:///{tmp_path}/pricing.db"
    await upgrade_async(SERVICE_DIR, url)
    settings = PricingSettings(**service_test_settings(infra, url, topic_prefix), expiry_interval_seconds=0.5)
    async with running(create_app(settings)) as client:
        yield World(client, settings)


async def test_two_reports_at_once_on_sqlite_give_one_grant(sqlite_world: World) -> None:
    await _for_sale(sqlite_world)
    for _ in range(3):
        _assert_one_grant(*await _two_reports_at_once(sqlite_world))


async def test_the_claim_table_refuses_a_second_claim_inside_the_window(pricing_settings: PricingSettings) -> None:
    """The constraint itself, below the service: a second row for one customer and SKU is a key violation."""
    engine = create_async_engine(pricing_settings.database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO price_match_claims (customer_id, sku, report_id, granted_at) "
                                    "VALUES ('c', 'S', 'r1', now())"))
        with pytest.raises(IntegrityError, match="duplicate key"):
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO price_match_claims (customer_id, sku, report_id, granted_at) "
                                        "VALUES ('c', 'S', 'r2', now())"))
    finally:
        await engine.dispose()
