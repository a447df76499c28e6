"""The public list's cost and freshness on real PostgreSQL: the statements one request runs (counted on
the service's own engine with a SQLAlchemy event hook), and an update visible at once, also from another
replica's cache."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from catalog.bootstrap import create_app
from catalog.settings import CatalogSettings
from clinic_shared.testing.plugin import auth_headers, running
from clinic_shared.testing.statements import statements

EDITOR = auth_headers("editor-1", "editor")


def _product(n: int, skus: int = 3) -> dict[str, Any]:
    return {"slug": f"treatment-{n}", "name": f"Treatment {n:02d}", "category": "infusion",
            "conditions": ["depression", "anxiety"], "regions": ["CA", "NY"], "status": "active",
            "skus": [{"sku": f"T{n}-S{k}", "label": f"Session pack {k}", "sessions": k + 1} for k in range(skus)]}


async def _list_statements(client: httpx.AsyncClient, engine: AsyncEngine, **params: Any) -> tuple[list[str], dict]:
    with statements(engine) as seen:
        response = await client.get("/products", params=params)
    assert response.status_code == 200, response.text
    return list(seen), response.json()


async def test_a_list_request_runs_a_fixed_small_number_of_statements_whatever_the_page_holds(
    catalog_settings: CatalogSettings,
) -> None:
    app = create_app(catalog_settings)
    async with running(app) as client:
        engine = app.state.runtime.engine
        assert (await client.post("/products", json=_product(0), headers=EDITOR)).status_code == 201
        one, body = await _list_statements(client, engine)
        assert [len(p["skus"]) for p in body["items"]] == [3]
        for n in range(1, 8):
            assert (await client.post("/products", json=_product(n, skus=n % 4 + 1), headers=EDITOR)).status_code == 201
        eight, body = await _list_statements(client, engine, limit=100)
        assert len(body["items"]) == body["total"] == 8
        assert [len(p["skus"]) for p in body["items"]] == [3, 2, 3, 4, 1, 2, 3, 4]
        assert all(p["conditions"] == ["anxiety", "depression"] for p in body["items"])
        # No statement per product or per SKU: a page of 8 costs what a page of 1 costs, and that is
        # the change check, the page with its total and one query for the children (a cold cache).
        assert len(eight) == len(one), (one, eight)
        assert len(eight) <= 3, eight
        # The same list again, nothing changed: only the change check.
        again, same = await _list_statements(client, engine, limit=100)
        assert same == body
        assert len(again) == 1, again


async def test_an_update_is_in_the_list_at_once_also_on_another_replica(catalog_settings: CatalogSettings) -> None:
    a, b = create_app(catalog_settings), create_app(catalog_settings)  # two replicas, one database
    async with running(a) as one, running(b) as other:
        created = (await one.post("/products", json=_product(1), headers=EDITOR)).json()
        for client in (one, other):  # both caches hold the list
            assert [p["name"] for p in (await client.get("/products")).json()["items"]] == ["Treatment 01"]
        changed = await other.patch(f"/products/{created['id']}", headers=EDITOR,
                                    json={"name": "Treatment renamed", "skus": [{"sku": "T1-NEW", "label": "New"}]})
        assert changed.status_code == 200, changed.text
        for client in (one, other):
            item = (await client.get("/products")).json()["items"][0]
            assert (item["name"], [s["sku"] for s in item["skus"]], item["version"]) == ("Treatment renamed", ["T1-NEW"], 2)
        archived = await one.post(f"/products/{created['id']}/archive", headers=EDITOR)
        assert archived.status_code == 200, archived.text
        for client in (one, other):
            assert (await client.get("/products")).json() == {"items": [], "total": 0, "limit": 20, "offset": 0}


async def test_the_list_answers_with_a_validator_and_a_304_when_it_did_not_change(catalog: httpx.AsyncClient) -> None:
    created = (await catalog.post("/products", json=_product(1), headers=EDITOR)).json()
    first = await catalog.get("/products")
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"  # a cache may keep it but must ask each time
    unchanged = await catalog.get("/products", headers={"If-None-Match": tag})
    assert (unchanged.status_code, unchanged.content, unchanged.headers["ETag"]) == (304, b"", tag)
    other_page = await catalog.get("/products", params={"limit": 5}, headers={"If-None-Match": tag})
    assert other_page.status_code == 200 and other_page.headers["ETag"] != tag
    await catalog.patch(f"/products/{created['id']}", headers=EDITOR, json={"name": "Renamed"})
    changed = await catalog.get("/products", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert changed.json()["items"][0]["name"] == "Renamed"
