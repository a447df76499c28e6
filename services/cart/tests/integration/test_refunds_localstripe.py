"""Refunds, a payment that does not match its order, and a price match after purchase, on localstripe
(stateful: PaymentIntents, charges and refunds are real objects there; it signs the webhooks it sends).

localstripe 1.15.10 makes refunds (POST /v1/refunds, by PaymentIntent or charge, full or partial) but sends no
`charge.refunded` event: those tests read the charge back from localstripe after the refund and send the
`charge.refunded` event Stripe would send, signed with the endpoint's secret, the way localstripe signs.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
import stripe

from cart.adapters.payments import StripePayments
from cart.bootstrap import create_app
from cart.settings import CartSettings
from clinic_shared.events.catalog import ProductPublished, SkuSnapshot
from clinic_shared.events.envelope import decode
from clinic_shared.events.pricing import PriceChanged, PriceMatchRefundApproved
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import auth_headers, eventually, read_topic
from clinic_shared.testing.serving import serve_in_thread

ORDER_TOPIC = "cart.order.v1"


def _stripe(localstripe: str) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_cart", base_addresses={"api": localstripe}, http_client=stripe.HTTPXClient(),
                               max_network_retries=0)


@dataclass
class Store:
    client: httpx.AsyncClient
    stripe: stripe.StripeClient
    settings: CartSettings
    secret: str

    async def product(self, emit, sku: str, price: int, category: str = "troche",
                      requires_evaluation: bool = False) -> None:
        await emit(ProductPublished(
            product_id=str(uuid.uuid4()), slug=sku.lower(), name=f"Product {sku}", category=category, route=None,
            conditions=[], regions=["NY"], requires_evaluation=requires_evaluation, status="active",
            skus=[SkuSnapshot(sku=sku, label=sku)], version=1))
        await emit(PriceChanged(sku=sku, unit_price=price, currency="USD", version=1))

    async def buy(self, customer: str, sku: str, *, card: str = "4242424242424242",
                  currency: str | None = None) -> dict:
        """Cart, checkout, then pay on localstripe as the storefront would (optionally in another currency)."""
        me = auth_headers(customer, "customer")
        cart = (await self.client.post("/carts", headers=me)).json()

        async def added() -> bool:
            r = await self.client.post(f"/carts/{cart['id']}/items", json={"sku": sku}, headers=me)
            return r.status_code == 201

        await eventually(added)
        r = await self.client.post(f"/carts/{cart['id']}/checkout", json={"region": "NY"}, headers=me)
        assert r.status_code == 201, r.text
        answer = r.json()
        method = await self.stripe.v1.payment_methods.create_async(
            {"type": "card", "card": {"number": card, "exp_month": 12, "exp_year": 2034, "cvc": "123"}})
        update: dict = {"payment_method": method.id}
        if currency is not None:  # (localstripe keeps an updated amount as a string, so the currency is changed)
            update["currency"] = currency
        await self.stripe.v1.payment_intents.update_async(answer["payment_intent_id"], update)
        await self.stripe.v1.payment_intents.confirm_async(answer["payment_intent_id"])
        return answer

    async def order(self, customer: str, order_id: str) -> dict:
        r = await self.client.get(f"/orders/{order_id}", headers=auth_headers(customer, "customer"))
        assert r.status_code == 200, r.text
        return r.json()

    async def order_in(self, customer: str, order_id: str, status: str, timeout: float = 20) -> dict:
        async def reached() -> dict | None:
            order = await self.order(customer, order_id)
            return order if order["status"] == status else None

        result: dict = await eventually(reached, timeout=timeout)
        return result

    async def refunds_of(self, payment_intent_id: str) -> list:
        return list((await self.stripe.v1.refunds.list_async({"payment_intent": payment_intent_id})).data)

    async def charge_refunded(self, payment_intent_id: str) -> httpx.Response:
        """The charge.refunded event Stripe sends, built from localstripe's charge and refunds, signed."""
        intent = await self.stripe.v1.payment_intents.retrieve_async(payment_intent_id)
        charge_id = intent.latest_charge if isinstance(intent.latest_charge, str) else intent.latest_charge.id
        charge = await self.stripe.v1.charges.retrieve_async(charge_id)
        refunded = sum(r.amount for r in await self.refunds_of(payment_intent_id))
        body = json.dumps({
            "id": f"evt_{uuid.uuid4().hex[:24]}", "object": "event", "type": "charge.refunded",
            "created": int(time.time()), "livemode": False,
            "data": {"object": {"id": charge.id, "object": "charge", "amount": charge.amount,
                                "amount_refunded": refunded, "currency": charge.currency,
                                "payment_intent": payment_intent_id, "refunded": refunded >= charge.amount,
                                "metadata": {}}},
        })
        header = stripe.WebhookSignature.generate_signature_header(body, self.secret)
        return await self.client.post("/webhooks/stripe", content=body.encode(),
                                      headers={"Stripe-Signature": header, "Content-Type": "application/json"})


@asynccontextmanager
async def store(infra: Infra, cart_settings: CartSettings) -> AsyncIterator[Store]:
    if not infra.localstripe_url:
        pytest.fail("localstripe is needed (LOCALSTRIPE_URL); deploy/local/stripe.sh starts it", pytrace=False)
    secret = f"whsec_{uuid.uuid4().hex}"
    settings = cart_settings.model_copy(update={"stripe_api_base": infra.localstripe_url,
                                                "stripe_api_key": "sk_test_cart", "stripe_webhook_secret": secret})
    payments = StripePayments(api_key="sk_test_cart", api_base=infra.localstripe_url, max_network_retries=0)
    hook = f"{infra.localstripe_url}/_config/webhooks/cart-test-{uuid.uuid4().hex[:12]}"
    with serve_in_thread(create_app(settings, payments=payments)) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            registered = await client.post(hook, data={"url": f"{base_url}/webhooks/stripe", "secret": secret})
            assert registered.status_code == 200, registered.text
            try:
                yield Store(client, _stripe(infra.localstripe_url), settings, secret)
            finally:  # localstripe is shared: stop sending us events (it has no way to delete a webhook)
                await client.post(hook, data={"url": f"{base_url}/webhooks/stripe", "secret": secret,
                                              "events[0]": "cart.tests.none"})


async def _events(settings: CartSettings, expect: int) -> list:
    records = await read_topic(settings.kafka_bootstrap_servers, settings.kafka_topic_prefix + ORDER_TOPIC,
                               expect=expect)
    return [decode(r.headers, r.key, r.value) for r in records]


async def test_a_refunded_charge_marks_the_order_refunded_and_its_evaluation_stops_counting(
    infra: Infra, cart_settings: CartSettings, emit_event,
) -> None:
    me = "c-ls-refund"
    async with store(infra, cart_settings) as s:
        await s.product(emit_event, "EVAL-LR", 9900, category="evaluation")
        await s.product(emit_event, "TRO-LR", 30000, requires_evaluation=True)
        evaluation = await s.buy(me, "EVAL-LR")
        await s.order_in(me, evaluation["order_id"], "paid")
        # Part of it back first (from the dashboard), then the rest: each refund once, with its event.
        pi = evaluation["payment_intent_id"]
        await s.stripe.v1.refunds.create_async({"payment_intent": pi, "amount": 900})
        assert (await s.charge_refunded(pi)).json()["outcome"] == "refunded"
        partly = await s.order(me, evaluation["order_id"])
        assert (partly["status"], partly["amount_refunded"]) == ("paid", 900)
        # (localstripe refunds the whole charge again when no amount is given, so the rest is named)
        await s.stripe.v1.refunds.create_async({"payment_intent": pi, "amount": 9000})
        assert (await s.charge_refunded(pi)).json()["outcome"] == "refunded"
        assert (await s.charge_refunded(pi)).json()["outcome"] == "unchanged"  # nothing new refunded
        refunded = await s.order(me, evaluation["order_id"])
        assert (refunded["status"], refunded["amount_refunded"]) == ("refunded", 9900)
        # The refunded evaluation no longer counts for the evaluation rule.
        me_h = auth_headers(me, "customer")
        cart = (await s.client.post("/carts", headers=me_h)).json()
        await s.client.post(f"/carts/{cart['id']}/items", json={"sku": "TRO-LR"}, headers=me_h)
        r = await s.client.post(f"/carts/{cart['id']}/checkout", json={"region": "NY"}, headers=me_h)
        assert r.status_code == 409 and r.json()["reasons"][0]["code"] == "evaluation_required"
    events = await _events(s.settings, expect=4)
    refunds = [e.data for e in events if e.type == "clinic.cart.order-refunded.v1"]
    assert [(e["amount_refunded"], e["full"], e["reason"]) for e in refunds] == [
        (900, False, "charge_refunded"), (9000, True, "charge_refunded")]


async def test_a_payment_in_another_currency_is_held_and_refunded_through_stripe(
    infra: Infra, cart_settings: CartSettings, emit_event,
) -> None:
    me = "c-ls-mismatch"
    async with store(infra, cart_settings) as s:
        await s.product(emit_event, "EVAL-LM", 9900, category="evaluation")
        answer = await s.buy(me, "EVAL-LM", currency="eur")  # the PaymentIntent was changed after checkout
        order = await s.order_in(me, answer["order_id"], "payment_mismatch")
        assert order["amount_refunded"] == 9900, order["failure_reason"]
        assert "expected 9900 USD, received 9900 EUR" in order["failure_reason"]
        refunds = await s.refunds_of(answer["payment_intent_id"])
        assert [(r.amount, r.currency, r.metadata["reason"]) for r in refunds] == [(9900, "eur", "amount_mismatch")]
        # Stripe's charge.refunded for the cart's own refund adds nothing.
        assert (await s.charge_refunded(answer["payment_intent_id"])).json()["outcome"] == "unchanged"
    types = [e.type for e in await _events(s.settings, expect=3)]
    assert types == ["clinic.cart.order-placed.v1", "clinic.cart.order-payment-mismatched.v1",
                     "clinic.cart.order-refunded.v1"]


async def test_a_price_match_after_purchase_refunds_the_difference_once(
    infra: Infra, cart_settings: CartSettings, emit_event,
) -> None:
    me = "c-ls-match"
    async with store(infra, cart_settings) as s:
        await s.product(emit_event, "EVAL-LP", 9900, category="evaluation")
        answer = await s.buy(me, "EVAL-LP")
        await s.order_in(me, answer["order_id"], "paid")
        report_id = str(uuid.uuid4())
        approval = PriceMatchRefundApproved(customer_id=me, sku="EVAL-LP", report_id=report_id,
                                            order_id=answer["order_id"], amount=1980, currency="USD")
        await emit_event(approval)
        await emit_event(approval)  # a second copy (another event id): still one refund

        async def refunded() -> dict | None:
            order = await s.order(me, answer["order_id"])
            return order if order["amount_refunded"] else None

        order = await eventually(refunded, timeout=30)
        assert (order["status"], order["amount_refunded"]) == ("paid", 1980)
        refunds = await s.refunds_of(answer["payment_intent_id"])
        assert [(r.amount, r.metadata["report_id"]) for r in refunds] == [(1980, report_id)]
        assert (await s.charge_refunded(answer["payment_intent_id"])).json()["outcome"] == "unchanged"
        events = await _events(s.settings, expect=3)
    matched = [e.data for e in events if e.type == "clinic.cart.order-refunded.v1"]
    assert [(e["reason"], e["report_id"], e["amount_refunded"], e["full"]) for e in matched] == [
        ("price_match", report_id, 1980, False)]
    assert len(await s.refunds_of(answer["payment_intent_id"])) == 1
