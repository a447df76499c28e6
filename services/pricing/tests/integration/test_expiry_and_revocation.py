"""Unused discounts expire (DiscountExpired) and ops can revoke one (DiscountRevoked), each once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from clinic_shared.events.cart import OrderLine, OrderPaid
from clinic_shared.testing.plugin import eventually, running
from pricing.bootstrap import create_app
from pricing.settings import PricingSettings

from .world import OPS, PRICE_MATCH, World, customer


async def _discount(world: World, me: dict[str, str]) -> dict:
    items = (await world.client.get("/discounts", headers=me)).json()["items"]
    return dict(items[0])


async def test_an_unused_discount_expires_and_discount_expired_is_published_once(
    pricing_settings: PricingSettings,
) -> None:
    short = pricing_settings.model_copy(update={"discount_ttl_days": 1.5 / 86400})  # 1.5 seconds
    async with running(create_app(short)) as client:
        world = World(client, short)
        await world.sku_for_sale("TROCHE-30D-100", 19900)
        await world.competitor()
        sub, me = customer()
        report = await world.report(me)
        assert (await _discount(world, me))["status"] == "granted"

        await eventually(lambda: _status_is(world, me, "expired"), timeout=20)

        events = await world.events(PRICE_MATCH, expect=4)
        assert [t for t, _, _ in events][-1] == "discount-expired"
        assert [t for t, _, _ in events].count("discount-expired") == 1
        assert (events[-1][1]["discount_id"], events[-1][1]["customer_id"]) == (report["discount_id"], sub)
        revoke = await client.post(f"/discounts/{report['discount_id']}/revoke", json={"reason": "x"}, headers=OPS)
        assert revoke.status_code == 409


async def _status_is(world: World, me: dict[str, str], status: str) -> bool:
    return (await _discount(world, me))["status"] == status


async def test_ops_revoke_an_unused_discount_once_and_a_redeemed_one_cannot_be_revoked(world: World) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.sku_for_sale("THERAPY-50", 15000)
    await world.competitor()
    sub, me = customer()
    unused = await world.report(me)
    used = await world.report(me, sku="THERAPY-50", competitor_price=12000)
    revoke = f"/discounts/{unused['discount_id']}/revoke"

    assert (await world.client.post(revoke, json={"reason": "fraud"}, headers=me)).status_code == 403
    first = await world.client.post(revoke, json={"reason": "The quote turned out to be fake."}, headers=OPS)
    again = await world.client.post(revoke, json={"reason": "Clicked twice."}, headers=OPS)

    assert first.status_code == again.status_code == 200
    assert (first.json()["status"], first.json()["revoked_reason"]) == ("revoked", "The quote turned out to be fake.")
    assert again.json() == first.json()
    line = OrderLine(sku="THERAPY-50", quantity=1, unit_price=15000, discount_id=used["discount_id"],
                     discount_per_unit=5400, line_total=9600)
    await world.produce(OrderPaid(order_id=str(uuid.uuid4()), customer_id=sub, payment_intent_id="pi_1",
                                  placed_at=datetime.now(UTC), lines=[line], total=9600, currency="USD"))
    await eventually(lambda: _redeemed(world, me, used["discount_id"]))
    refused = await world.client.post(f"/discounts/{used['discount_id']}/revoke", json={"reason": "late"}, headers=OPS)
    assert refused.status_code == 409
    assert "is redeemed and cannot be revoked" in refused.json()["detail"]
    events = await world.events(PRICE_MATCH, expect=8)
    revoked = [data for t, data, _ in events if t == "discount-revoked"]
    assert [(d["discount_id"], d["reason"]) for d in revoked] == [
        (unused["discount_id"], "The quote turned out to be fake.")]


async def _redeemed(world: World, me: dict[str, str], discount_id: str) -> bool:
    response = await world.client.get(f"/discounts/{discount_id}", headers=me)
    return bool(response.json()["status"] == "redeemed")
