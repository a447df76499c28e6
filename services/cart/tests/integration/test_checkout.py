"""Checkout on real PostgreSQL and Kafka, with stripe-mock as Stripe: orders, refusals, concurrency."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from cart.adapters.orm import orders
from cart.adapters.payments import PaymentGateway, PaymentIntentRef, PaymentProviderError
from cart.bootstrap import create_app
from clinic_shared.events.envelope import decode
from clinic_shared.testing.plugin import auth_headers, read_topic, running

ORDER_TOPIC = "cart.order.v1"


async def _order_count(shop) -> int:
    async with shop.runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(orders))).scalar_one())


async def _order_events(shop, expect: int) -> list[tuple[str, dict]]:
    records = await read_topic(shop.settings.kafka_bootstrap_servers, shop.settings.kafka_topic_prefix + ORDER_TOPIC,
                               expect=expect)
    return [(e.type, e.data) for e in (decode(r.headers, r.key, r.value) for r in records)]


async def test_checkout_makes_the_order_its_event_and_a_payment_intent(shop) -> None:
    await shop.product("TRO-30", price=30000, regions=("NY", "NJ"))
    cart = await shop.customer_cart("c-buy", ("TRO-30", 2))
    r = await shop.checkout(cart["id"], "c-buy", region="NJ")
    assert r.status_code == 201, r.text
    answer = r.json()
    assert answer["amount"] == 60000 and answer["currency"] == "USD" and answer["status"] == "awaiting_payment"
    assert answer["payment_intent_id"].startswith("pi_") and answer["client_secret"]
    [(kind, placed)] = await _order_events(shop, expect=1)
    assert kind == "clinic.cart.order-placed.v1"
    assert (placed["order_id"], placed["customer_id"], placed["total"]) == (answer["order_id"], "c-buy", 60000)
    assert placed["lines"] == [{"sku": "TRO-30", "quantity": 2, "unit_price": 30000, "discount_id": None,
                                "discount_per_unit": 0, "line_total": 60000}]
    order = (await shop.client.get(f"/orders/{answer['order_id']}", headers=auth_headers("c-buy", "customer"))).json()
    assert (order["status"], order["region"], order["total"], order["items"][0]["sku"]) == (
        "awaiting_payment", "NJ", 60000, "TRO-30")
    assert (await shop.client.get(f"/orders/{answer['order_id']}",
                                  headers=auth_headers("c-else", "customer"))).status_code == 404
    # The cart is closed now; checking out again answers the same order.
    changed = await shop.client.post(f"/carts/{cart['id']}/items", json={"sku": "TRO-30", "quantity": 1},
                                     headers=auth_headers("c-buy", "customer"))
    assert changed.status_code == 409 and "checked out" in changed.json()["detail"]
    again = await shop.checkout(cart["id"], "c-buy", region="NJ")
    assert again.status_code == 200 and again.json()["order_id"] == answer["order_id"]


async def test_an_item_not_sold_in_the_customers_region_is_refused_with_the_reason(shop) -> None:
    await shop.product("TRO-30", price=30000, regions=("NY",), name="Ketamine troches")
    cart = await shop.customer_cart("c-region", ("TRO-30", 1))
    r = await shop.checkout(cart["id"], "c-region", region="CA")
    assert r.status_code == 409, r.text
    assert "Ketamine troches (TRO-30) is not sold in CA" in r.json()["detail"]
    assert r.json()["reasons"] == [{"code": "not_sold_in_region", "sku": "TRO-30",
                                    "message": "Ketamine troches (TRO-30) is not sold in CA."}]
    assert await _order_count(shop) == 0
    assert (await shop.checkout(cart["id"], "c-region", region="NY")).status_code == 201


async def test_an_item_needing_an_evaluation_is_refused_until_the_customer_paid_for_one(shop) -> None:
    await shop.product("TRO-30", price=30000, requires_evaluation=True)
    await shop.product("EVAL-1", price=9900, category="evaluation")
    me = auth_headers("c-eval", "customer")
    cart = await shop.customer_cart("c-eval", ("TRO-30", 1))
    refused = await shop.checkout(cart["id"], "c-eval")
    assert refused.status_code == 409 and refused.json()["reasons"][0]["code"] == "evaluation_required"
    assert "requires a paid evaluation" in refused.json()["detail"]

    # Buy the evaluation: its own order, not yet paid, still does not count.
    line = cart["items"][0]["id"]
    await shop.client.delete(f"/carts/{cart['id']}/items/{line}", headers=me)
    await shop.client.post(f"/carts/{cart['id']}/items", json={"sku": "EVAL-1", "quantity": 1}, headers=me)
    evaluation = (await shop.checkout(cart["id"], "c-eval")).json()
    troches = await shop.customer_cart("c-eval", ("TRO-30", 1))
    assert troches["id"] != cart["id"]
    assert (await shop.checkout(troches["id"], "c-eval")).status_code == 409

    assert (await shop.webhook(shop.payment_event(evaluation))).json()["outcome"] == "paid"
    r = await shop.checkout(troches["id"], "c-eval")
    assert r.status_code == 201, r.text


async def test_an_anonymous_cart_can_buy_but_not_what_needs_an_evaluation(shop) -> None:
    await shop.product("TRO-30", price=30000, requires_evaluation=True)
    await shop.product("EVAL-1", price=9900, category="evaluation")
    for sku, status in (("TRO-30", 409), ("EVAL-1", 201)):
        anon = (await shop.client.post("/carts")).json()
        token = {"X-Cart-Token": anon["token"]}
        await shop.client.post(f"/carts/{anon['id']}/items", json={"sku": sku, "quantity": 1}, headers=token)
        r = await shop.client.post(f"/carts/{anon['id']}/checkout", json={"region": "NY"}, headers=token)
        assert r.status_code == status, r.text
    order = await shop.client.get(f"/orders/{r.json()['order_id']}", headers=token)
    assert order.status_code == 200 and order.json()["status"] == "awaiting_payment"


async def test_two_concurrent_checkouts_of_one_cart_make_one_order(shop) -> None:
    await shop.product("TRO-30", price=30000)
    cart = await shop.customer_cart("c-race", ("TRO-30", 1))
    answers = await asyncio.gather(*(shop.checkout(cart["id"], "c-race") for _ in range(2)))
    assert sorted(a.status_code for a in answers) == [200, 201], [a.text for a in answers]
    assert len({a.json()["order_id"] for a in answers}) == 1
    assert len({a.json()["client_secret"] for a in answers}) == 1
    assert await _order_count(shop) == 1
    events = await _order_events(shop, expect=1)
    assert [kind for kind, _ in events] == ["clinic.cart.order-placed.v1"]


async def test_an_empty_cart_cannot_be_checked_out(shop) -> None:
    cart = await shop.customer_cart("c-empty")
    r = await shop.checkout(cart["id"], "c-empty")
    assert r.status_code == 409 and r.json()["reasons"][0]["code"] == "empty_cart"


class FlakyStripe(PaymentGateway):
    """Down for the first call, then up: the order waits, and a retry pays with the same idempotency key."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    async def create_payment_intent(self, *, order_id: str, cart_id: str, amount: int,
                                    currency: str) -> PaymentIntentRef:
        self.keys.append(order_id)
        if len(self.keys) == 1:
            raise PaymentProviderError("connection refused")
        return PaymentIntentRef(id=f"pi_{order_id[:8]}", client_secret=f"pi_{order_id[:8]}_secret_x",
                                status="requires_payment_method")


async def test_when_stripe_is_down_checkout_answers_502_and_a_retry_reuses_the_order(shop, cart_settings) -> None:
    await shop.product("TRO-30", price=30000)
    cart = await shop.customer_cart("c-down", ("TRO-30", 1))
    stripe = FlakyStripe()
    async with running(create_app(cart_settings, payments=stripe)) as client:
        first = await client.post(f"/carts/{cart['id']}/checkout", json={"region": "NY"},
                                  headers=auth_headers("c-down", "customer"))
        assert first.status_code == 502 and first.json()["order_id"]
        second = await client.post(f"/carts/{cart['id']}/checkout", json={"region": "NY"},
                                   headers=auth_headers("c-down", "customer"))
    assert second.status_code == 200 and second.json()["order_id"] == first.json()["order_id"]
    assert stripe.keys == [first.json()["order_id"]] * 2  # the idempotency key is the order id, both times
    assert await _order_count(shop) == 1
