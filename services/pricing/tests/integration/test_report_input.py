"""Invalid reports get a 4xx with a message that says what is wrong; nothing is stored or published."""

from __future__ import annotations

import pytest

from .world import PRICE_MATCH, World, customer


@pytest.mark.parametrize(("fields", "detail"), [
    ({"observed_at": "2026-01-01T10:00:00"}, "observed_at: Input should have timezone info"),
    ({"proof_url": None}, "a report needs proof: a proof_url or a quote_ref"),
    ({"region": "ZZ"}, "region: Value error, unknown US state code ZZ"),
    ({"competitor_url": "ftp://mindbridge-clinic.example/x"}, "competitor_url: Value error, expected an http(s) URL"),
    ({"competitor_price": -5}, "competitor_price: Input should be greater than or equal to 1"),
    ({"currency": "dollars"}, "currency: String should match pattern"),
    ({"price_kind": "clearance"}, "price_kind: Input should be"),
    ({"sku": "troche 100"}, "sku: String should match pattern"),
    ({"competitor_name": "a\x00b"}, "competitor_name: Value error, text must not contain the NUL character"),
])
async def test_an_invalid_report_is_a_422_with_a_message(world: World, fields: dict, detail: str) -> None:
    _, me = customer()
    response = await world.client.post("/price-match/reports", json=world.report_body(**fields), headers=me)
    assert response.status_code == 422, response.text
    assert detail in response.json()["detail"]


async def test_a_report_needs_a_signed_in_customer_and_a_well_formed_idempotency_key(world: World) -> None:
    _, me = customer()
    anonymous = await world.client.post("/price-match/reports", json=world.report_body())
    bad_key = await world.client.post("/price-match/reports", json=world.report_body(),
                                      headers=me | {"Idempotency-Key": "has spaces"})
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"] == "A bearer token is required."
    assert bad_key.status_code == 422
    assert (await world.client.get("/price-match/reports/not-a-uuid", headers=me)).status_code == 422
    assert await world.events(PRICE_MATCH, expect=0) == []
