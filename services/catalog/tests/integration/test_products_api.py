"""The catalog's HTTP API on real PostgreSQL and Kafka: demo data, filters, editors, events, errors."""

from __future__ import annotations

import httpx

from catalog.demo.load import demo_products
from catalog.settings import CatalogSettings
from clinic_shared.events.envelope import decode
from clinic_shared.testing.plugin import auth_headers, read_topic

EDITOR = auth_headers("editor-1", "editor")
TOPIC = "catalog.product.v1"


async def _load_demo(client: httpx.AsyncClient) -> dict[str, dict]:
    ids = {}
    for product in demo_products():
        response = await client.post("/products", json=product, headers=EDITOR)
        assert response.status_code == 201, response.text
        ids[product["slug"]] = response.json()
    return ids


async def _slugs(client: httpx.AsyncClient, **params: str) -> list[str]:
    response = await client.get("/products", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return [p["slug"] for p in body["items"]]


async def test_filters_on_the_demo_data_return_exactly_the_active_matching_products(catalog: httpx.AsyncClient) -> None:
    await _load_demo(catalog)
    demo = [p for p in demo_products() if p["status"] == "active"]

    def want(pred) -> list[str]:  # type: ignore[no-untyped-def]
        return sorted((p for p in demo if pred(p)), key=lambda p: p["name"])

    assert await _slugs(catalog) == [p["slug"] for p in want(lambda p: True)]
    assert await _slugs(catalog, condition="bipolar") == [p["slug"] for p in want(lambda p: "bipolar" in p["conditions"])]
    assert await _slugs(catalog, route="sublingual") == ["ketamine-sublingual-troches"]
    assert await _slugs(catalog, category="infusion") == ["ketamine-iv-infusion"]
    assert await _slugs(catalog, q="TROCHES") == ["ketamine-sublingual-troches"]
    assert await _slugs(catalog, route="intranasal") == []  # the nasal spray is a draft: not public
    assert (await catalog.get("/products/ketamine-nasal-spray")).status_code == 404


async def test_pagination_is_stable_and_reports_the_total(catalog: httpx.AsyncClient) -> None:
    await _load_demo(catalog)
    everything = await _slugs(catalog, limit="100")
    pages = []
    for offset in range(0, len(everything), 2):
        body = (await catalog.get("/products", params={"limit": 2, "offset": offset})).json()
        assert body["total"] == len(everything)
        pages += [p["slug"] for p in body["items"]]
    assert pages == everything


async def test_a_product_page_has_the_frontend_fields(catalog: httpx.AsyncClient) -> None:
    await _load_demo(catalog)
    body = (await catalog.get("/products/ketamine-sublingual-troches")).json()
    for field in ("id", "slug", "name", "category", "route", "conditions", "regions", "requires_evaluation",
                  "status", "skus"):
        assert field in body
    assert [s["sku"] for s in body["skus"]] == ["TROCHE-30D-100", "TROCHE-30D-200"]
    assert body["requires_evaluation"] is True


async def test_publishing_updating_and_archiving_emit_events_and_archiving_takes_the_product_off_sale(
    catalog: httpx.AsyncClient, catalog_settings: CatalogSettings,
) -> None:
    draft = next(p for p in demo_products() if p["slug"] == "ketamine-nasal-spray")
    created = (await catalog.post("/products", json=draft, headers=EDITOR)).json()
    pid = created["id"]
    assert (await catalog.patch(f"/products/{pid}", json={"status": "active"}, headers=EDITOR)).status_code == 200
    assert (await catalog.patch(f"/products/{pid}", json={"name": "Nasal spray"}, headers=EDITOR)).status_code == 200
    assert "ketamine-nasal-spray" in await _slugs(catalog)
    archived = await catalog.post(f"/products/{pid}/archive", headers=EDITOR)
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    assert (await catalog.post(f"/products/{pid}/archive", headers=EDITOR)).status_code == 200  # no second event
    assert "ketamine-nasal-spray" not in await _slugs(catalog)
    assert (await catalog.get("/products/ketamine-nasal-spray")).status_code == 404

    records = await read_topic(catalog_settings.kafka_bootstrap_servers, catalog_settings.kafka_topic_prefix + TOPIC,
                               expect=3)
    events = [decode(r.headers, r.key, r.value) for r in records]
    assert [e.type for e in events] == [
        "clinic.catalog.product-published.v1", "clinic.catalog.product-updated.v1",
        "clinic.catalog.product-archived.v1",
    ]
    assert {e.key for e in events} == {pid}
    assert [e.data["version"] for e in events] == [2, 3, 4]
    assert events[2].data["skus"] == ["NASAL-SPRAY-28D"]


async def test_editing_needs_an_editor(catalog: httpx.AsyncClient) -> None:
    product = demo_products()[0]
    anonymous = await catalog.post("/products", json=product)
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == "application/problem+json"
    customer = await catalog.post("/products", json=product, headers=auth_headers("c1", "customer"))
    assert customer.status_code == 403
    expired = await catalog.post("/products", json=product, headers={"Authorization": "Bearer nonsense"})
    assert expired.status_code == 401


async def test_invalid_input_gets_a_4xx_with_a_message_never_a_500(catalog: httpx.AsyncClient) -> None:
    base = demo_products()[0]
    assert (await catalog.post("/products", json=base, headers=EDITOR)).status_code == 201
    cases = [
        (base | {"slug": "other"}, 409, "EVAL-INITIAL"),  # the SKU is taken
        (base, 409, "slug"),
        (base | {"slug": "x1", "route": "oral", "skus": [{"sku": "X-1", "label": "x"}]}, 422, "route"),
        (base | {"slug": "x2", "conditions": ["flu"], "skus": [{"sku": "X-2", "label": "x"}]}, 422, "conditions"),
        (base | {"slug": "x3", "regions": ["CA", "XX"], "skus": [{"sku": "X-3", "label": "x"}]}, 422, "XX"),
        (base | {"slug": "x4", "skus": []}, 422, "skus"),
        (base | {"slug": "Bad Slug!", "skus": [{"sku": "X-5", "label": "x"}]}, 422, "slug"),
    ]
    for body, status, word in cases:
        response = await catalog.post("/products", json=body, headers=EDITOR)
        assert response.status_code == status, (body, response.text)
        problem = response.json()
        assert word in problem["detail"] or word in str(problem.get("errors")), problem
        assert problem["request_id"]
    broken = await catalog.post("/products", content=b"{not json", headers=EDITOR | {"content-type": "application/json"})
    assert broken.status_code == 422
    assert (await catalog.get("/products", params={"limit": 0})).status_code == 422
    assert (await catalog.patch("/products/00000000-0000-0000-0000-000000000000", json={"name": "x"}, headers=EDITOR)).status_code == 404
    assert (await catalog.patch("/products/nope", json={"name": "x"}, headers=EDITOR)).status_code == 422
    assert (await catalog.patch("/products/nope", json={"name": None}, headers=EDITOR)).status_code == 422


async def test_filters_accept_their_values_in_any_case_as_people_type_them(catalog: httpx.AsyncClient) -> None:
    await _load_demo(catalog)
    infusion = ["ketamine-iv-infusion"]
    assert await _slugs(catalog, route="iv") == infusion
    assert await _slugs(catalog, route="Iv") == infusion
    assert await _slugs(catalog, route="SUBLINGUAL") == ["ketamine-sublingual-troches"]
    assert await _slugs(catalog, category="Infusion") == infusion
    assert await _slugs(catalog, condition="Bipolar") == await _slugs(catalog, condition="bipolar")
    assert await _slugs(catalog, condition="Chronic Pain") == await _slugs(catalog, condition="chronic_pain")
    # A word the catalog does not know is still a clear 422.
    unknown = await catalog.get("/products", params={"route": "oral"})
    assert unknown.status_code == 422, unknown.text
