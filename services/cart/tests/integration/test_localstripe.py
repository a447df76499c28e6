"""A real payment on localstripe (stateful, sends signed webhooks) reaching the cart under a real server."""

from __future__ import annotations

import uuid

import httpx
import pytest
import stripe

from cart.bootstrap import create_app
from cart.settings import CartSettings
from clinic_shared.events.catalog import ProductPublished, SkuSnapshot
from clinic_shared.events.envelope import decode
from clinic_shared.events.pricing import PriceChanged
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import auth_headers, eventually, read_topic
from clinic_shared.testing.serving import serve_in_thread

ME = auth_headers("c-localstripe", "customer")


def _stripe(localstripe: str) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_cart", base_addresses={"api": localstripe}, http_client=stripe.HTTPXClient(),
                               max_network_retries=0)


async def _pay(localstripe: str, payment_intent_id: str, card: str) -> None:
    """What the storefront does with the client secret: a card, attached to the PaymentIntent, confirmed."""
    client = _stripe(localstripe)
    method = await client.v1.payment_methods.create_async(
        {"type": "card", "card": {"number": card, "exp_month": 12, "exp_year": 2034, "cvc": "123"}})
    await client.v1.payment_intents.update_async(payment_intent_id, {"payment_method": method.id})
    try:
        await client.v1.payment_intents.confirm_async(payment_intent_id)
    except stripe.CardError:
        pass  # a declined card: Stripe says so by webhook too


@pytest.mark.parametrize(("card", "status", "event_type"), [
    ("4242424242424242", "paid", "clinic.cart.order-paid.v1"),
    ("4000000000000341", "payment_failed", "clinic.cart.order-payment-failed.v1"),
])
async def test_a_payment_on_localstripe_settles_the_order_through_its_signed_webhook(
    infra: Infra, cart_settings: CartSettings, emit_event, card: str, status: str, event_type: str,
) -> None:
    if not infra.localstripe_url:
        pytest.fail("localstripe is needed (LOCALSTRIPE_URL); deploy/local/stripe.sh starts it", pytrace=False)
    secret = f"whsec_{uuid.uuid4().hex}"
    settings = cart_settings.model_copy(update={"stripe_api_base": infra.localstripe_url,
                                                "stripe_api_key": "sk_test_cart", "stripe_webhook_secret": secret})
    hook = f"{infra.localstripe_url}/_config/webhooks/cart-test-{uuid.uuid4().hex[:12]}"
    with serve_in_thread(create_app(settings)) as base_url:  # its start made the topics
        await emit_event(ProductPublished(
            product_id=str(uuid.uuid4()), slug="evaluation", name="Initial evaluation", category="evaluation",
            route=None, conditions=[], regions=["NY"], requires_evaluation=False, status="active",
            skus=[SkuSnapshot(sku="EVAL-LS", label="Initial evaluation")], version=1))
        await emit_event(PriceChanged(sku="EVAL-LS", unit_price=9900, currency="USD", version=1))
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            registered = await client.post(hook, data={"url": f"{base_url}/webhooks/stripe", "secret": secret})
            assert registered.status_code == 200, registered.text
            try:
                cart = (await client.post("/carts", headers=ME)).json()

                async def added() -> bool:
                    r = await client.post(f"/carts/{cart['id']}/items", json={"sku": "EVAL-LS"}, headers=ME)
                    return r.status_code == 201

                await eventually(added)
                checkout = await client.post(f"/carts/{cart['id']}/checkout", json={"region": "NY"}, headers=ME)
                assert checkout.status_code == 201, checkout.text
                answer = checkout.json()
                assert answer["client_secret"].startswith(answer["payment_intent_id"])
                intent = await _stripe(infra.localstripe_url).v1.payment_intents.retrieve_async(
                    answer["payment_intent_id"])
                assert (intent.amount, intent.currency, intent.metadata["order_id"]) == (9900, "usd", answer["order_id"])

                await _pay(infra.localstripe_url, answer["payment_intent_id"], card)

                async def settled() -> dict | None:
                    order = (await client.get(f"/orders/{answer['order_id']}", headers=ME)).json()
                    return order if order["status"] == status else None

                await eventually(settled, timeout=20)
            finally:  # localstripe is shared: stop sending us events (it has no way to delete a webhook)
                await client.post(hook, data={"url": f"{base_url}/webhooks/stripe", "secret": secret,
                                              "events[0]": "cart.tests.none"})
    records = await read_topic(settings.kafka_bootstrap_servers, settings.kafka_topic_prefix + "cart.order.v1",
                               expect=2)
    assert [decode(r.headers, r.key, r.value).type for r in records] == ["clinic.cart.order-placed.v1", event_type]
