"""A fair report becomes a discount at once: 20% off the lower of our price and the competitor's."""

from __future__ import annotations

from .world import OPS, PRICE_MATCH, World, customer


async def test_a_fair_report_is_approved_at_once_and_discount_granted_is_published_with_20_percent_off_the_lower_price(
    world: World,
) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    clinic = await world.competitor()
    sub, me = customer()

    report = await world.report(me, competitor_price=15000)

    assert report["status"] == "approved"
    assert report["codes"] == ["approved"]
    assert "MindBridge Clinic is a licensed clinic in TX" in report["reasons"][0]
    assert report["competitor_id"] == clinic["id"]
    assert report["decided_at"] is not None and report["discount_id"]
    # 20% off the lower price (150.00): the customer pays 120.00, i.e. 79.00 off our 199.00.
    events = await world.events(PRICE_MATCH, expect=3)
    assert [t for t, _, _ in events] == ["price-match-requested", "price-match-approved", "discount-granted"]
    assert {key for _, _, key in events} == {sub}
    granted = events[2][1]
    assert (granted["amount_off_at_grant"], granted["final_unit_price_at_grant"], granted["currency"]) == (
        7900, 12000, "USD")
    assert (granted["customer_id"], granted["sku"], granted["report_id"]) == (sub, "TROCHE-30D-100", report["id"])
    assert granted["discount_id"] == report["discount_id"]

    mine = (await world.client.get("/discounts", headers=me)).json()
    assert mine["total"] == 1
    assert mine["items"][0] | {"expires_at": None} == {
        "id": report["discount_id"], "sku": "TROCHE-30D-100", "status": "granted", "amount_off": 7900,
        "final_unit_price": 12000, "currency": "USD", "expires_at": None, "report_id": report["id"],
        "granted_at": mine["items"][0]["granted_at"], "redeemed_order_id": None, "redeemed_at": None,
        "revoked_reason": None, "order_id": None, "percent_off": 20, "our_unit_price_at_grant": 19900,
        "competitor_unit_price": 15000, "region": "TX", "max_units": 1, "current_unit_price": 19900,
        "amount_off_now": 7900, "final_unit_price_now": 12000,
    }


async def test_a_report_is_shown_to_its_author_and_ops_with_the_audit_trail_only_to_ops(world: World) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()
    _, me = customer()
    _, someone_else = customer()
    report = await world.report(me)

    mine = await world.client.get(f"/price-match/reports/{report['id']}", headers=me)
    assert mine.status_code == 200
    assert mine.json()["status"] == "approved" and mine.json()["audit"] is None
    assert (await world.client.get(f"/price-match/reports/{report['id']}", headers=someone_else)).status_code == 404
    as_ops = (await world.client.get(f"/price-match/reports/{report['id']}", headers=OPS)).json()
    assert [(a["actor"], a["action"]) for a in as_ops["audit"]] == [
        ("customer", "received"), ("policy", "approved"), ("policy", "discount_granted"),
    ]
    assert (await world.client.get("/discounts", headers=someone_else)).json() == {"items": [], "total": 0}
    assert (await world.client.get("/price-match/reports", headers=someone_else)).json()["total"] == 0
