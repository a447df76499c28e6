"""The read models at work: a price change and the customer's discounts show in the cart within moments,
and checkout prices the order from them again."""

from __future__ import annotations

import json
from datetime import timedelta

from cart.adapters.read_models import ReadModels
from clinic_shared.events.envelope import decode
from clinic_shared.events.pricing import DiscountExpired, DiscountRevoked, PriceChanged
from clinic_shared.testing.plugin import auth_headers, eventually, read_topic

ORDER_TOPIC = "cart.order.v1"


async def _line(shop, cart_id: str, customer: str, sku: str) -> dict:
    cart = (await shop.client.get(f"/carts/{cart_id}", headers=auth_headers(customer, "customer"))).json()
    return next(i for i in cart["items"] if i["sku"] == sku)


async def test_a_price_change_makes_the_cart_show_both_prices_and_a_notice(shop) -> None:
    await shop.product("TRO-30", price=30000, name="Ketamine troches")
    cart = await shop.customer_cart("c-price", ("TRO-30", 2))
    await shop.price("TRO-30", 32000, version=2)
    body = (await shop.client.get(f"/carts/{cart['id']}", headers=auth_headers("c-price", "customer"))).json()
    line = body["items"][0]
    assert (line["unit_price_seen"], line["unit_price"], line["price_changed"]) == (30000, 32000, True)
    assert (line["final_unit_price"], line["line_total"], body["total"]) == (32000, 64000, 64000)
    assert any("changed from USD 300.00 to USD 320.00" in n for n in line["notices"]), line
    assert any("Ketamine troches" in n and "changed" in n for n in body["notices"])
    # An older price arriving late changes nothing (versions only move forward). The test topics have one
    # partition, so once a later marker price is in, the stale one has been handled.
    await shop.emit(PriceChanged(sku="TRO-30", unit_price=25000, currency="USD", version=1))
    await shop.price("MARK-1", 100, version=1)
    stale = await shop.client.get(f"/carts/{cart['id']}", headers=auth_headers("c-price", "customer"))
    assert stale.json()["items"][0]["unit_price"] == 32000


async def test_checkout_charges_the_current_price_and_refuses_a_total_the_customer_did_not_see(shop) -> None:
    await shop.product("TRO-30", price=30000)
    cart = await shop.customer_cart("c-total", ("TRO-30", 1))
    await shop.price("TRO-30", 31000, version=2)
    refused = await shop.checkout(cart["id"], "c-total", expected_total=30000)
    assert refused.status_code == 409 and "USD 310.00" in refused.json()["detail"]
    r = await shop.checkout(cart["id"], "c-total", expected_total=31000)
    assert r.status_code == 201, r.text
    assert r.json()["amount"] == 31000


async def test_a_granted_discount_takes_exactly_the_granted_amount_off_the_matching_line(shop) -> None:
    await shop.product("TRO-30", price=30000)
    await shop.product("EVAL-1", price=9900, category="evaluation")
    cart = await shop.customer_cart("c-disc", ("TRO-30", 2), ("EVAL-1", 1))
    other = await shop.customer_cart("c-not-me", ("TRO-30", 1))
    discount_id = await shop.grant("c-disc", "TRO-30")

    async def discounted() -> dict | None:
        line = await _line(shop, cart["id"], "c-disc", "TRO-30")
        return line if line["discount"] else None

    line = await eventually(discounted, timeout=15)
    assert (line["discount"], line["discount_id"], line["final_unit_price"], line["line_total"]) == (
        6000, discount_id, 24000, 48000)
    assert line["unit_price_seen"] == line["unit_price"] == 30000
    assert (await _line(shop, cart["id"], "c-disc", "EVAL-1"))["discount"] == 0
    assert (await _line(shop, other["id"], "c-not-me", "TRO-30"))["discount"] == 0
    body = (await shop.client.get(f"/carts/{cart['id']}", headers=auth_headers("c-disc", "customer"))).json()
    assert (body["subtotal"], body["discount_total"], body["total"]) == (69900, 12000, 57900)

    r = await shop.checkout(cart["id"], "c-disc")
    assert r.status_code == 201, r.text
    assert r.json()["amount"] == 57900
    records = await read_topic(shop.settings.kafka_bootstrap_servers,
                               shop.settings.kafka_topic_prefix + ORDER_TOPIC, expect=1)
    placed = [decode(x.headers, x.key, x.value).data for x in records]
    assert len(placed) == 1
    lines = {ln["sku"]: ln for ln in placed[0]["lines"]}
    assert (lines["TRO-30"]["discount_id"], lines["TRO-30"]["discount_per_unit"], lines["TRO-30"]["line_total"]) == (
        discount_id, 6000, 48000)
    assert lines["EVAL-1"]["discount_id"] is None


async def test_a_revoked_or_expired_discount_no_longer_applies(shop) -> None:
    await shop.product("TRO-30", price=30000)
    cart = await shop.customer_cart(CUSTOMER := "c-end", ("TRO-30", 1))
    for ending in (DiscountRevoked, DiscountExpired):
        discount_id = await shop.grant("c-end", "TRO-30")
        await eventually(lambda: _discount_is(shop, cart["id"], CUSTOMER, 6000))
        extra = {"reason": "fraud"} if ending is DiscountRevoked else {}
        await shop.emit(ending(customer_id="c-end", sku="TRO-30", discount_id=discount_id, **extra))
        await eventually(lambda: _discount_is(shop, cart["id"], CUSTOMER, 0))
        body = (await shop.client.get(f"/carts/{cart['id']}", headers=auth_headers(CUSTOMER, "customer"))).json()
        said = "was revoked" if ending is DiscountRevoked else "expired on"
        assert any(said in n for n in body["items"][0]["notices"]), body["items"][0]["notices"]
        # A late copy of the grant does not bring an ended discount back: once a later grant (same customer,
        # so the same partition) is in, the late copy has been handled.
        await shop.grant("c-end", "TRO-30", discount_id=discount_id)
        marker = await shop.grant("c-end", "MARK-1")
        await eventually(lambda m=marker: _has_discount(shop, CUSTOMER, "MARK-1", m))
        assert await _discount_is(shop, cart["id"], CUSTOMER, 0)


async def test_a_discount_past_its_expiry_time_is_not_applied_and_checkout_rechecks_it(shop) -> None:
    await shop.product("TRO-30", price=30000)
    cart = await shop.customer_cart(CUSTOMER := "c-late", ("TRO-30", 1))
    await shop.grant("c-late", "TRO-30", expires_in=timedelta(seconds=4))
    await eventually(lambda: _discount_is(shop, cart["id"], CUSTOMER, 6000))
    await eventually(lambda: _discount_is(shop, cart["id"], CUSTOMER, 0), timeout=15)  # nothing arrived: time ran out
    r = await shop.checkout(cart["id"], "c-late")
    assert r.status_code == 201 and r.json()["amount"] == 30000
    records = await read_topic(shop.settings.kafka_bootstrap_servers,
                               shop.settings.kafka_topic_prefix + ORDER_TOPIC, expect=1)
    line = json.loads(records[0].value)["lines"][0]
    assert (line["discount_id"], line["discount_per_unit"], line["line_total"]) == (None, 0, 30000)


async def _discount_is(shop, cart_id: str, customer: str, amount: int) -> bool:
    body = (await shop.client.get(f"/carts/{cart_id}", headers=auth_headers(customer, "customer"))).json()
    return bool(body["items"]) and body["items"][0]["discount"] == amount


async def _has_discount(shop, customer: str, sku: str, discount_id: str) -> bool:
    async with shop.runtime.sessions() as session:
        return any(d.discount_id == discount_id for d in await ReadModels(session).discounts_of(customer, [sku]))
