"""Prices per SKU in integer minor units with an ISO currency, their history, and PriceChanged events."""

from __future__ import annotations

import httpx
import pytest

from .world import OPS, PRICES, World, customer


async def test_ops_set_a_price_anyone_reads_it_and_each_change_is_one_price_changed_event(world: World) -> None:
    client = world.client
    put = "/prices/TROCHE-30D-100"
    assert (await client.put(put, json={"unit_price": 19900, "currency": "USD"}, headers=OPS)).status_code == 200
    same = await client.put(put, json={"unit_price": 19900, "currency": "USD"}, headers=OPS)  # no change
    changed = await client.put(put, json={"unit_price": 17900, "currency": "USD"}, headers=OPS)

    assert same.json()["version"] == 1
    assert changed.json() | {"updated_at": None} == {
        "sku": "TROCHE-30D-100", "unit_price": 17900, "currency": "USD", "version": 2, "updated_at": None,
        "for_sale": False,
    }
    assert (await client.get("/prices/TROCHE-30D-100")).json()["unit_price"] == 17900  # no token needed
    history = (await client.get("/prices/TROCHE-30D-100/history", headers=OPS)).json()
    assert [(v["version"], v["unit_price"], v["changed_by"]) for v in history["items"]] == [
        (2, 17900, "ops-ana"), (1, 19900, "ops-ana")]
    events = await world.events(PRICES, expect=2)
    assert [(t, key) for t, _, key in events] == [("price-changed", "TROCHE-30D-100")] * 2
    assert [(d["unit_price"], d["previous_unit_price"], d["version"]) for _, d, _ in events] == [
        (19900, None, 1), (17900, 19900, 2)]


async def test_a_sku_without_a_price_is_a_404(pricing: httpx.AsyncClient) -> None:
    response = await pricing.get("/prices/NO-SUCH-SKU")
    assert response.status_code == 404
    assert response.json()["detail"] == "No price for NO-SUCH-SKU: it is not for sale."


@pytest.mark.parametrize(("body", "where"), [
    ({"unit_price": 0, "currency": "USD"}, "unit_price"),
    ({"unit_price": 19.99, "currency": "USD"}, "unit_price"),
    ({"unit_price": 1999, "currency": "usd"}, "currency"),
    ({"unit_price": 1999}, "currency"),
    ({"unit_price": 1999, "currency": "USD", "discount": 5}, "discount"),
])
async def test_invalid_prices_get_a_422_that_says_what_is_wrong(
    pricing: httpx.AsyncClient, body: dict, where: str
) -> None:
    response = await pricing.put("/prices/TROCHE-30D-100", json=body, headers=OPS)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(where)


async def test_only_ops_set_prices(pricing: httpx.AsyncClient) -> None:
    _, me = customer()
    body = {"unit_price": 100, "currency": "USD"}
    assert (await pricing.put("/prices/TROCHE-30D-100", json=body)).status_code == 401
    assert (await pricing.put("/prices/TROCHE-30D-100", json=body, headers=me)).status_code == 403
    assert (await pricing.get("/prices/TROCHE-30D-100/history", headers=me)).status_code == 403
    assert (await pricing.get("/prices/lower-case")).status_code == 422
