"""The refund side of cart.order.v1: a full refund reinstates the unexpired discount it redeemed; a paid order
is a purchase, and a report on it within the after-purchase window refunds the difference (recorded when
the cart says the money went back); an order claimed after a signed-out checkout counts for its customer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from clinic_shared.events.cart import OrderClaimed, OrderLine, OrderPaid, OrderRefunded
from clinic_shared.testing.plugin import eventually

from .world import OPS, PRICE_MATCH, World, customer

SKU = "TROCHE-30D-100"


def _line(quantity: int = 1, discount_id: str | None = None, discount: int = 0) -> OrderLine:
    return OrderLine(sku=SKU, quantity=quantity, unit_price=19900, discount_id=discount_id,
                     discount_per_unit=discount, line_total=(19900 - discount) * quantity)


def _paid(order_id: str, customer_id: str | None, line: OrderLine) -> OrderPaid:
    return OrderPaid(order_id=order_id, customer_id=customer_id, payment_intent_id=f"pi_{order_id[:8]}",
                     placed_at=datetime.now(UTC), lines=[line], total=line.line_total, currency="USD", region="TX")


def _refunded(order_id: str, customer_id: str, line: OrderLine, *, full: bool, reason: str,
              amount: int, report_id: str | None = None) -> OrderRefunded:
    return OrderRefunded(order_id=order_id, customer_id=customer_id, payment_intent_id=f"pi_{order_id[:8]}",
                         amount_refunded=amount, currency="USD", full=full, reason=reason, report_id=report_id,
                         lines=[line])


async def _purchase_recorded(world: World, order_id: str, customer_id: str | None) -> bool:
    engine = create_async_engine(world.settings.database_url)
    try:
        async with engine.connect() as conn:
            row = (await conn.execute(text("SELECT customer_id FROM purchases WHERE order_id = :o"),
                                      {"o": order_id})).first()
    finally:
        await engine.dispose()
    return row is not None and row.customer_id == customer_id


async def test_a_full_refund_reinstates_the_unexpired_discount_it_redeemed(world: World) -> None:
    await world.sku_for_sale(SKU, 19900)
    await world.competitor()
    sub, me = customer()
    report = await world.report(me)
    assert report["status"] == "approved", report
    order_id, line = str(uuid.uuid4()), _line(1, report["discount_id"], 7900)
    await world.produce(_paid(order_id, sub, line))

    async def status() -> str:
        return str((await world.client.get(f"/discounts/{report['discount_id']}", headers=me)).json()["status"])

    await eventually(lambda: _is(status, "redeemed"))
    await world.produce(_refunded(order_id, sub, line, full=True, reason="charge_refunded", amount=12000), times=2)
    await eventually(lambda: _is(status, "granted"))
    events = await world.events(PRICE_MATCH, expect=5)
    reinstated = [d for t, d, _ in events if t == "discount-reinstated"]
    assert len(reinstated) == 1  # a redelivered refund reinstates once
    assert (reinstated[0]["discount_id"], reinstated[0]["order_id"]) == (report["discount_id"], order_id)
    discount = (await world.client.get(f"/discounts/{report['discount_id']}", headers=me)).json()
    assert discount["order_id"] is None


async def _is(check, expected: str) -> bool:  # type: ignore[no-untyped-def]
    return bool(await check() == expected)


async def test_a_report_after_a_purchase_refunds_the_difference_instead_of_a_discount(world: World) -> None:
    await world.sku_for_sale(SKU, 19900)
    await world.competitor()
    sub, me = customer()
    order_id = str(uuid.uuid4())
    await world.produce(_paid(order_id, sub, _line(quantity=2)))
    await eventually(lambda: _purchase_recorded(world, order_id, sub))

    report = await world.report(me, competitor_price=17900)

    assert (report["status"], report["codes"], report["discount_id"]) == ("approved", ["approved_refund"], None)
    # 20% off the lower price (179.00) is 143.20; paid 199.00: 55.80 back, for max_units (1) of the 2 bought.
    assert (report["refund_order_id"], report["refund_amount"]) == (order_id, 5580)
    events = await world.events(PRICE_MATCH, expect=3)
    types = [t for t, _, _ in events]
    assert types == ["price-match-requested", "price-match-approved", "price-match-refund-approved"]
    refund = events[-1][1]
    assert (refund["order_id"], refund["amount"], refund["currency"], refund["report_id"]) == (
        order_id, 5580, "USD", report["id"])
    assert (await world.client.get("/discounts", headers=me)).json()["total"] == 0

    await world.produce(_refunded(order_id, sub, _line(quantity=2), full=False, reason="price_match", amount=5580,
                                  report_id=report["id"]))

    async def refunded() -> bool:
        body = (await world.client.get(f"/price-match/reports/{report['id']}", headers=me)).json()
        return body["refunded_at"] is not None

    await eventually(refunded)


async def test_a_signed_out_order_claimed_on_sign_in_counts_as_the_customers_purchase(world: World) -> None:
    await world.sku_for_sale(SKU, 19900)
    await world.competitor()
    sub, me = customer()
    order_id = str(uuid.uuid4())
    await world.produce(_paid(order_id, None, _line()))
    await world.produce(OrderClaimed(order_id=order_id, customer_id=sub, lines=[_line()], paid=True))
    await eventually(lambda: _purchase_recorded(world, order_id, sub))

    report = await world.report(me, competitor_price=17900)
    assert (report["status"], report["refund_order_id"], report["refund_amount"]) == ("approved", order_id, 5580)


async def test_ops_approving_an_escalated_report_after_a_purchase_refunds_instead_of_granting(world: World) -> None:
    await world.sku_for_sale(SKU, 19900)
    await world.competitor()
    sub, me = customer()
    order_id = str(uuid.uuid4())
    await world.produce(_paid(order_id, sub, _line(quantity=1)))
    await eventually(lambda: _purchase_recorded(world, order_id, sub))
    report = await world.report(me, competitor_price=17900, proof_url=None, quote_ref="upload-5")
    assert (report["status"], report["codes"]) == ("needs_review", ["quote_only"])

    response = await world.client.post(f"/price-match/reports/{report['id']}/approve",
                                       json={"reason": "Quote confirmed by phone."}, headers=OPS)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["discount_id"], body["refund_order_id"], body["refund_amount"]) == (
        "approved", None, order_id, 5580)
    assert [a["action"] for a in body["audit"]][-2:] == ["approved", "refund_approved"]
    events = await world.events(PRICE_MATCH, expect=4)
    assert [t for t, _, _ in events][-2:] == ["price-match-approved", "price-match-refund-approved"]
