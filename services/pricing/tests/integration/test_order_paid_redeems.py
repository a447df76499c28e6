"""A paid order redeems the discounts on its lines, once, however often cart.order.v1 delivers it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from clinic_shared.events.cart import OrderLine, OrderPaid
from clinic_shared.testing.plugin import eventually

from .world import PRICE_MATCH, World, customer


def _paid(order_id: str, customer_id: str, discount_id: str, *, sku: str = "TROCHE-30D-100") -> OrderPaid:
    line = OrderLine(sku=sku, quantity=2, unit_price=19900, discount_id=discount_id, discount_per_unit=7900,
                     line_total=24000)
    return OrderPaid(order_id=order_id, customer_id=customer_id, payment_intent_id="pi_123",
                     placed_at=datetime.now(UTC), lines=[line], total=24000, currency="USD")


async def _granted(world: World) -> tuple[str, dict[str, str], dict]:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()
    sub, me = customer()
    report = await world.report(me)
    assert report["status"] == "approved"
    return sub, me, report


async def _status(world: World, me: dict[str, str]) -> str:
    return str((await world.client.get("/discounts", headers=me)).json()["items"][0]["status"])


async def test_order_paid_delivered_twice_redeems_the_discount_once(world: World) -> None:
    sub, me, report = await _granted(world)
    order_id = str(uuid.uuid4())
    paid = _paid(order_id, sub, report["discount_id"])

    await world.produce(paid, times=2)  # the same CloudEvent, redelivered
    await world.produce(paid)  # and the same order announced again under a new event id

    await eventually(lambda: _status_is(world, me, "redeemed"))
    events = await world.events(PRICE_MATCH, expect=4)
    redeemed = [data for t, data, _ in events if t == "discount-redeemed"]
    assert len(redeemed) == 1
    assert (redeemed[0]["discount_id"], redeemed[0]["order_id"]) == (report["discount_id"], order_id)
    discount = (await world.client.get(f"/discounts/{report['discount_id']}", headers=me)).json()
    assert (discount["status"], discount["redeemed_order_id"]) == ("redeemed", order_id)


async def _status_is(world: World, me: dict[str, str], status: str) -> bool:
    return await _status(world, me) == status


async def test_order_paid_with_someone_elses_discount_redeems_nothing(world: World) -> None:
    _, me, report = await _granted(world)
    stranger_order = _paid(str(uuid.uuid4()), "customer-stranger", report["discount_id"])
    marker_sub, marker_me = customer()
    await world.produce(stranger_order)
    # A later event on the same partition proves the first was handled: an unknown discount is skipped too.
    await world.produce(_paid(str(uuid.uuid4()), marker_sub, str(uuid.uuid4())))
    await world.produce(_paid(str(uuid.uuid4()), "nobody", report["discount_id"], sku="THERAPY-50"))

    await eventually(lambda: _consumed(world, 3))
    assert await _status(world, me) == "granted"
    events = await world.events(PRICE_MATCH, expect=3)
    assert "discount-redeemed" not in [t for t, _, _ in events]
    assert (await world.client.get("/discounts", headers=marker_me)).json()["total"] == 0


async def _consumed(world: World, n: int) -> bool:
    text = (await world.client.get("/metrics")).text
    prefix = world.settings.kafka_topic_prefix + "cart.order.v1"
    total = 0.0
    for line in text.splitlines():
        if line.startswith("clinic_consumer_messages_total{") and f'topic="{prefix}"' in line and (
                'service="pricing"' in line):
            total += float(line.rsplit(" ", 1)[1])
    return total >= n
