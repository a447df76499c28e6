"""Signed-out purchases claimed on sign-in, the customer's orders, merging over the line limit, and the
product tombstone, on the real PostgreSQL, Kafka and stripe-mock."""

from __future__ import annotations

import uuid

from cart.adapters.read_models import ReadModels
from clinic_shared.events.catalog import ProductArchived, ProductPublished, SkuSnapshot
from clinic_shared.events.envelope import decode
from clinic_shared.events.pricing import PriceChanged
from clinic_shared.testing.plugin import auth_headers, eventually, read_topic

ORDER_TOPIC = "cart.order.v1"


async def _anonymous_order(shop, sku: str) -> tuple[dict, dict, dict]:
    anon = (await shop.client.post("/carts")).json()
    token = {"X-Cart-Token": anon["token"]}
    assert (await shop.client.post(f"/carts/{anon['id']}/items", json={"sku": sku}, headers=token)).status_code == 201
    r = await shop.client.post(f"/carts/{anon['id']}/checkout", json={"region": "NY"}, headers=token)
    assert r.status_code == 201, r.text
    return anon, token, r.json()


async def test_an_evaluation_bought_signed_out_counts_once_its_cart_is_claimed(shop) -> None:
    """Issue 10 point 9: paid signed out, the customer was then refused the treatment for good."""
    me = "c-claim"
    await shop.product("TRO-30", price=30000, requires_evaluation=True)
    await shop.product("EVAL-1", price=9900, category="evaluation")
    anon, token, evaluation = await _anonymous_order(shop, "EVAL-1")
    assert (await shop.webhook(shop.payment_event(evaluation))).json()["outcome"] == "paid"
    troches = await shop.customer_cart(me, ("TRO-30", 1))
    refused = await shop.checkout(troches["id"], me)
    assert refused.status_code == 409 and refused.json()["reasons"][0]["code"] == "evaluation_required"

    both = {**auth_headers(me, "customer"), **token}
    claimed = await shop.client.post(f"/carts/{anon['id']}/claim", headers=both)
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["order_ids"] == [evaluation["order_id"]]
    assert (await shop.checkout(troches["id"], me)).status_code == 201
    # Claiming again answers the same and says nothing new; the token alone no longer opens the order.
    again = await shop.client.post(f"/carts/{anon['id']}/claim", headers=both)
    assert again.status_code == 200 and again.json()["order_ids"] == [evaluation["order_id"]]
    assert (await shop.client.get(f"/orders/{evaluation['order_id']}", headers=token)).status_code == 404
    mine = await shop.client.get(f"/orders/{evaluation['order_id']}", headers=auth_headers(me, "customer"))
    assert mine.status_code == 200 and mine.json()["status"] == "paid"
    records = await read_topic(shop.settings.kafka_bootstrap_servers, shop.settings.kafka_topic_prefix + ORDER_TOPIC,
                               expect=4)
    events = [decode(r.headers, r.key, r.value) for r in records]
    claims = [e.data for e in events if e.type == "clinic.cart.order-claimed.v1"]
    assert [(c["order_id"], c["customer_id"], c["paid"]) for c in claims] == [(evaluation["order_id"], me, True)]


async def test_a_claim_needs_the_customers_bearer_and_the_carts_token(shop) -> None:
    await shop.product("EVAL-1", price=9900, category="evaluation")
    anon, token, _ = await _anonymous_order(shop, "EVAL-1")
    url = f"/carts/{anon['id']}/claim"
    assert (await shop.client.post(url, headers=token)).status_code == 401
    assert (await shop.client.post(url, headers=auth_headers("c-x", "customer"))).status_code == 401
    wrong = {**auth_headers("c-x", "customer"), "X-Cart-Token": "not-the-token"}
    assert (await shop.client.post(url, headers=wrong)).status_code == 404
    ops = {**auth_headers("ops-1", "ops"), **token}
    assert (await shop.client.post(url, headers=ops)).status_code == 403
    assert (await shop.client.post(url, headers={**auth_headers("c-first", "customer"), **token})).status_code == 200
    second = await shop.client.post(url, headers={**auth_headers("c-second", "customer"), **token})
    assert second.status_code == 404  # claimed by someone else: not theirs


async def test_an_open_anonymous_cart_is_claimed_by_merging_it(shop) -> None:
    await shop.product("TRO-30", price=30000)
    anon = (await shop.client.post("/carts")).json()
    token = {"X-Cart-Token": anon["token"]}
    await shop.client.post(f"/carts/{anon['id']}/items", json={"sku": "TRO-30"}, headers=token)
    r = await shop.client.post(f"/carts/{anon['id']}/claim", headers={**auth_headers("c-open", "customer"), **token})
    assert r.status_code == 200 and r.json()["cart"]["id"] == anon["id"] and r.json()["order_ids"] == []


async def test_the_customers_orders_newest_first_paginated(shop) -> None:
    me = "c-orders"
    await shop.product("EVAL-1", price=9900, category="evaluation")
    placed = []
    for _ in range(3):
        cart = await shop.customer_cart(me, ("EVAL-1", 1))
        placed.append((await shop.checkout(cart["id"], me)).json()["order_id"])
    other = await shop.customer_cart("c-someone", ("EVAL-1", 1))
    await shop.checkout(other["id"], "c-someone")
    page = await shop.client.get("/orders?limit=2", headers=auth_headers(me, "customer"))
    assert page.status_code == 200, page.text
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 0)
    assert [o["id"] for o in body["items"]] == placed[::-1][:2]
    rest = (await shop.client.get("/orders?limit=2&offset=2", headers=auth_headers(me, "customer"))).json()
    assert [o["id"] for o in rest["items"]] == [placed[0]]
    assert (await shop.client.get("/orders")).status_code == 401
    assert (await shop.client.get("/orders?limit=0", headers=auth_headers(me, "customer"))).status_code == 422


async def test_merging_carts_over_the_line_limit_is_a_409_and_drops_nothing(shop) -> None:
    skus = [f"LIM-{i}" for i in range(51)]
    for sku in skus:
        await shop.emit(ProductPublished(
            product_id=str(uuid.uuid4()), slug=sku.lower(), name=sku, category="troche", route=None, conditions=[],
            regions=["NY"], requires_evaluation=False, status="active", skus=[SkuSnapshot(sku=sku, label=sku)],
            version=1))
        await shop.emit(PriceChanged(sku=sku, unit_price=1000, currency="USD", version=1))

    async def all_priced() -> bool:
        async with shop.runtime.sessions() as s:
            return len(await ReadModels(s).prices_for(skus)) == 51 and len(await ReadModels(s).products_for(skus)) == 51

    await eventually(all_priced, timeout=30)
    mine = await shop.customer_cart("c-limit", *((sku, 1) for sku in skus[:25]))
    anon = (await shop.client.post("/carts")).json()
    token = {"X-Cart-Token": anon["token"]}
    for sku in skus[25:]:
        assert (await shop.client.post(f"/carts/{anon['id']}/items", json={"sku": sku}, headers=token)).status_code == 201
    r = await shop.client.post(f"/carts/{anon['id']}/merge", headers={**auth_headers("c-limit", "customer"), **token})
    assert r.status_code == 409, r.text
    assert "at most 50" in r.json()["detail"]
    assert len((await shop.client.get(f"/carts/{mine['id']}", headers=auth_headers("c-limit", "customer"))).json()[
        "items"]) == 25
    assert len((await shop.client.get(f"/carts/{anon['id']}", headers=token)).json()["items"]) == 26


async def test_an_archive_arriving_before_the_product_leaves_a_tombstone(shop) -> None:
    """Issue 9 item 8: events out of order (archive v3, then a late publish v1 and update v2)."""
    product_id = str(uuid.uuid4())

    def snapshot(version: int) -> ProductPublished:
        return ProductPublished(product_id=product_id, slug="ghost", name="Ghost", category="troche", route=None,
                                conditions=[], regions=["NY"], requires_evaluation=False, status="active",
                                skus=[SkuSnapshot(sku="GHOST-1", label="Ghost")], version=version)

    await shop.emit(ProductArchived(product_id=product_id, slug="ghost", skus=["GHOST-1"], version=3))
    await shop.emit(snapshot(1))
    await shop.emit(snapshot(2))
    await shop.emit(PriceChanged(sku="GHOST-1", unit_price=1000, currency="USD", version=1))
    await shop.product("MARK-T", price=100)  # same topics, one partition: the ghost events were handled before

    async with shop.runtime.sessions() as s:
        assert await ReadModels(s).product_version(product_id) == 3
        assert await ReadModels(s).products_for(["GHOST-1"]) == {}
    cart = await shop.customer_cart("c-ghost")
    r = await shop.client.post(f"/carts/{cart['id']}/items", json={"sku": "GHOST-1"},
                               headers=auth_headers("c-ghost", "customer"))
    assert r.status_code == 404, r.text
    await shop.emit(snapshot(4))  # a genuine later publication does bring it back
    await eventually(lambda: _has(shop, "GHOST-1"))


async def _has(shop, sku: str) -> bool:
    async with shop.runtime.sessions() as s:
        return sku in await ReadModels(s).products_for([sku])
