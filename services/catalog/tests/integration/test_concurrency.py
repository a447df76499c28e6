"""Catalog lost update (issue 9, item 7): concurrent changes on real PostgreSQL give one event per version.

Two PATCHes are made to read the same version for sure: a third session holds the product row's
lock, so both requests read version N and then wait at their UPDATE; the lock is released and
both go on. Before the fix both wrote version N+1 and published two different snapshots with it.
"""

from __future__ import annotations

import asyncio

import asyncpg
import httpx

from catalog.demo.load import demo_products
from catalog.settings import CatalogSettings
from clinic_shared.events.envelope import decode
from clinic_shared.testing.plugin import auth_headers, eventually, read_topic

EDITOR = auth_headers("editor-1", "editor")
TOPIC = "catalog.product.v1"


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _two_patches_racing(catalog: httpx.AsyncClient, settings: CatalogSettings, pid: str,
                              first: dict, second: dict, headers: dict[str, str] | None = None
                              ) -> tuple[httpx.Response, httpx.Response]:
    holder = await asyncpg.connect(_plain(settings.database_url))
    watcher = await asyncpg.connect(_plain(settings.database_url))
    try:
        tx = holder.transaction()
        await tx.start()
        await holder.execute("SELECT 1 FROM products WHERE id = $1 FOR UPDATE", pid)
        calls = [asyncio.create_task(catalog.patch(f"/products/{pid}", json=body, headers={**EDITOR, **(headers or {})}))
                 for body in (first, second)]

        async def both_wait_on_the_row() -> bool:
            waiting = await watcher.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE 'UPDATE products%'")
            return bool(waiting == 2)

        await eventually(both_wait_on_the_row, timeout=30)
        await tx.rollback()
        a, b = await asyncio.gather(*calls)
    finally:
        await holder.close()
        await watcher.close()
    return a, b


async def test_two_concurrent_patches_give_two_versions_and_one_event_per_version(
    catalog: httpx.AsyncClient, catalog_settings: CatalogSettings,
) -> None:
    product = next(p for p in demo_products() if p["status"] == "active")
    created = await catalog.post("/products", json=product, headers=EDITOR)
    assert created.status_code == 201 and created.headers["etag"] == '"1"'
    pid = created.json()["id"]

    a, b = await _two_patches_racing(catalog, catalog_settings, pid, {"name": "Name A"}, {"description": "Text B"})
    assert a.status_code == b.status_code == 200, (a.text, b.text)
    assert sorted([a.json()["version"], b.json()["version"]]) == [2, 3]
    final = (await catalog.get(f"/products/{product['slug']}")).json()
    # Neither change was lost: the loser re-read the winner's version and applied its change on top.
    assert final["version"] == 3 and final["name"] == "Name A" and final["description"] == "Text B"

    records = await read_topic(catalog_settings.kafka_bootstrap_servers,
                               catalog_settings.kafka_topic_prefix + TOPIC, expect=3)
    events = [decode(r.headers, r.key, r.value) for r in records]
    assert [e.data["version"] for e in events] == [1, 2, 3]  # one event per version, in order
    # A consumer that keeps the highest version it saw ends where the catalog is: the views converge.
    last = max(events, key=lambda e: e.data["version"]).data
    assert (last["name"], last["version"]) == (final["name"], final["version"])


async def test_if_match_with_a_stale_etag_gets_409_and_changes_nothing(
    catalog: httpx.AsyncClient, catalog_settings: CatalogSettings,
) -> None:
    product = next(p for p in demo_products() if p["status"] == "active")
    pid = (await catalog.post("/products", json=product, headers=EDITOR)).json()["id"]
    page = await catalog.get(f"/products/{product['slug']}")
    etag = page.headers["etag"]
    assert etag == '"1"'
    ok = await catalog.patch(f"/products/{pid}", json={"name": "Fresh"}, headers={**EDITOR, "If-Match": etag})
    assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
    stale = await catalog.patch(f"/products/{pid}", json={"name": "Stale"}, headers={**EDITOR, "If-Match": etag})
    assert stale.status_code == 409 and stale.headers["content-type"] == "application/problem+json"
    assert "version 2" in stale.json()["detail"]
    archive = await catalog.post(f"/products/{pid}/archive", headers={**EDITOR, "If-Match": etag})
    assert archive.status_code == 409
    bad = await catalog.patch(f"/products/{pid}", json={"name": "X"}, headers={**EDITOR, "If-Match": "nonsense"})
    assert bad.status_code == 400 and "If-Match" in bad.json()["detail"]
    assert (await catalog.get(f"/products/{product['slug']}")).json()["name"] == "Fresh"

    # Two racing PATCHes that both name version 2: one wins, the other gets 409 (not a silent overwrite).
    a, b = await _two_patches_racing(catalog, catalog_settings, pid, {"name": "A"}, {"name": "B"},
                                     headers={"If-Match": '"2"'})
    assert sorted([a.status_code, b.status_code]) == [200, 409]
    records = await read_topic(catalog_settings.kafka_bootstrap_servers,
                               catalog_settings.kafka_topic_prefix + TOPIC, expect=3)
    assert [decode(r.headers, r.key, r.value).data["version"] for r in records] == [1, 2, 3]
