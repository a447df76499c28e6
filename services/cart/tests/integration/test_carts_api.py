"""Carts over HTTP on real PostgreSQL and Kafka: anonymous and signed-in carts, items, access, merging."""

from __future__ import annotations

from clinic_shared.testing.plugin import auth_headers


async def test_an_anonymous_cart_answers_empty_then_holds_what_its_token_adds(shop) -> None:
    await shop.product("TRO-30", price=30000)
    r = await shop.client.post("/carts")
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["token"] and created["items"] == [] and created["is_empty"] is True
    assert (created["total"], created["currency"]) == (0, "USD")
    token = {"X-Cart-Token": created["token"]}
    empty = (await shop.client.get(f"/carts/{created['id']}", headers=token)).json()
    assert empty["items"] == [] and empty["total"] == 0 and "Your Cart is empty!" in empty["notices"]

    r = await shop.client.post(f"/carts/{created['id']}/items", json={"sku": "TRO-30", "quantity": 2}, headers=token)
    assert r.status_code == 201, r.text
    line = r.json()["items"][0]
    assert {k: line[k] for k in ("sku", "quantity", "unit_price_seen", "unit_price", "price_changed", "discount",
                                 "final_unit_price", "line_total")} == {
        "sku": "TRO-30", "quantity": 2, "unit_price_seen": 30000, "unit_price": 30000, "price_changed": False,
        "discount": 0, "final_unit_price": 30000, "line_total": 60000}
    assert line["id"] and r.json()["total"] == 60000


async def test_changing_a_quantity_and_removing_a_line(shop) -> None:
    await shop.product("TRO-30", price=30000)
    cart = await shop.customer_cart("c-qty", ("TRO-30", 1))
    line_id, me = cart["items"][0]["id"], auth_headers("c-qty", "customer")
    r = await shop.client.patch(f"/carts/{cart['id']}/items/{line_id}", json={"quantity": 3}, headers=me)
    assert r.status_code == 200 and r.json()["items"][0]["quantity"] == 3 and r.json()["total"] == 90000
    r = await shop.client.delete(f"/carts/{cart['id']}/items/{line_id}", headers=me)
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["total"] == 0
    r = await shop.client.delete(f"/carts/{cart['id']}/items/{line_id}", headers=me)
    assert r.status_code == 404 and r.json()["detail"]


async def test_a_cart_opens_only_with_its_token_or_its_customers_bearer(shop) -> None:
    anon = (await shop.client.post("/carts")).json()
    mine = await shop.customer_cart("c-owner")
    assert (await shop.client.get(f"/carts/{anon['id']}")).status_code == 401
    assert (await shop.client.get(f"/carts/{anon['id']}", headers={"X-Cart-Token": "wrong"})).status_code == 404
    assert (await shop.client.get(f"/carts/{mine['id']}", headers=auth_headers("c-other", "customer"))).status_code == 404
    assert (await shop.client.get(f"/carts/{mine['id']}", headers={"X-Cart-Token": anon["token"]})).status_code == 404
    assert (await shop.client.get(f"/carts/{mine['id']}", headers=auth_headers("c-owner", "customer"))).status_code == 200


async def test_a_signed_in_customer_has_one_open_cart(shop) -> None:
    me = auth_headers("c-one", "customer")
    first = await shop.client.post("/carts", headers=me)
    again = await shop.client.post("/carts", headers=me)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["token"] is None


async def test_an_anonymous_cart_merges_into_the_customers_cart_on_sign_in(shop) -> None:
    await shop.product("TRO-30", price=30000)
    await shop.product("EVAL-1", price=9900, category="evaluation")
    mine = await shop.customer_cart("c-merge", ("TRO-30", 1))
    anon = (await shop.client.post("/carts")).json()
    token = {"X-Cart-Token": anon["token"]}
    for sku, qty in (("TRO-30", 2), ("EVAL-1", 1)):
        assert (await shop.client.post(f"/carts/{anon['id']}/items", json={"sku": sku, "quantity": qty},
                                       headers=token)).status_code == 201
    both = {**auth_headers("c-merge", "customer"), **token}
    r = await shop.client.post(f"/carts/{anon['id']}/merge", headers=both)
    assert r.status_code == 200, r.text
    merged = r.json()
    assert merged["id"] == mine["id"]
    assert sorted((i["sku"], i["quantity"]) for i in merged["items"]) == [("EVAL-1", 1), ("TRO-30", 3)]
    assert merged["total"] == 3 * 30000 + 9900
    left = (await shop.client.get(f"/carts/{anon['id']}", headers=token)).json()
    assert (left["status"], left["items"], left["merged_into"]) == ("merged", [], mine["id"])
    again = await shop.client.post(f"/carts/{anon['id']}/merge", headers=both)
    assert again.status_code == 200 and again.json()["id"] == mine["id"] and len(again.json()["items"]) == 2
    assert (await shop.client.post(f"/carts/{anon['id']}/merge", headers=token)).status_code == 401


async def test_with_no_cart_of_their_own_the_anonymous_cart_becomes_the_customers(shop) -> None:
    await shop.product("TRO-30", price=30000)
    anon = (await shop.client.post("/carts")).json()
    token = {"X-Cart-Token": anon["token"]}
    await shop.client.post(f"/carts/{anon['id']}/items", json={"sku": "TRO-30", "quantity": 1}, headers=token)
    r = await shop.client.post(f"/carts/{anon['id']}/merge", headers={**auth_headers("c-new", "customer"), **token})
    assert r.status_code == 200 and r.json()["id"] == anon["id"] and len(r.json()["items"]) == 1
    assert (await shop.client.get(f"/carts/{anon['id']}", headers=token)).status_code == 404  # the token is spent
    theirs = await shop.client.post("/carts", headers=auth_headers("c-new", "customer"))
    assert theirs.status_code == 200 and theirs.json()["id"] == anon["id"]


async def test_invalid_input_gets_a_4xx_with_a_message(shop) -> None:
    await shop.product("TRO-30", price=30000)
    cart = await shop.customer_cart("c-bad")
    me, url = auth_headers("c-bad", "customer"), f"/carts/{cart['id']}"
    cases = [
        ("post", f"{url}/items", {"json": {"sku": "not a sku", "quantity": 1}}, 422),
        ("post", f"{url}/items", {"json": {"sku": "TRO-30", "quantity": 0}}, 422),
        ("post", f"{url}/items", {"json": {"sku": "TRO-30", "quantity": 100}}, 422),
        ("post", f"{url}/items", {"json": {"sku": "TRO-30", "quantity": 1, "price": 1}}, 422),
        ("post", f"{url}/items", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 422),
        ("post", f"{url}/items", {"json": {"sku": "NO-SUCH-SKU", "quantity": 1}}, 404),
        ("patch", f"{url}/items/no-such-line", {"json": {"quantity": 2}}, 404),
        ("post", f"{url}/checkout", {"json": {"region": "XX"}}, 422),
        ("post", f"{url}/checkout", {"json": {}}, 422),
        ("get", "/carts/not%20an%20id", {}, 422),
        ("get", "/orders/no-such-order", {}, 404),
    ]
    for method, path, kwargs, status in cases:
        headers = {**me, **kwargs.pop("headers", {})}
        r = await shop.client.request(method.upper(), path, headers=headers, **kwargs)
        assert r.status_code == status, (method, path, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/problem+json") and r.json()["detail"], r.text
