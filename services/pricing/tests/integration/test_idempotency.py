"""An Idempotency-Key makes a resubmission the same report: one decision, one discount, one set of events."""

from __future__ import annotations

import asyncio

from .world import PRICE_MATCH, World, customer


async def test_resubmitting_with_the_same_idempotency_key_is_the_same_report_and_one_decision(world: World) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()
    _, me = customer()
    _, someone_else = customer()

    first = await world.report(me, key="form-42")
    again = await world.report(me, key="form-42")
    together = await asyncio.gather(*(world.report(me, key="form-43", sku="TROCHE-30D-100") for _ in range(3)))
    theirs = await world.report(someone_else, key="form-42")  # keys belong to one customer

    assert again == first
    assert first["status"] == "approved"
    assert len({r["id"] for r in together}) == 1
    assert together[0]["codes"] == ["already_matched"]
    assert theirs["id"] != first["id"] and theirs["status"] == "approved"
    events = await world.events(PRICE_MATCH, expect=8)
    assert [t for t, _, _ in events].count("discount-granted") == 2
    assert [t for t, _, _ in events].count("price-match-requested") == 3
    assert (await world.client.get("/discounts", headers=me)).json()["total"] == 1


async def test_reusing_an_idempotency_key_for_a_different_report_is_a_conflict(world: World) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()
    _, me = customer()
    await world.report(me, key="form-1")

    response = await world.client.post("/price-match/reports", json=world.report_body(competitor_price=14000),
                                       headers=me | {"Idempotency-Key": "form-1"})

    assert response.status_code == 409
    assert response.json()["detail"] == "This Idempotency-Key was already used for a different report."
