from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from cart.adapters.payments import RefundRef, StripePayments
from cart.adapters.read_models import ReadModels
from cart.bootstrap import create_app
from cart.settings import CartSettings
from clinic_shared.events.base import Event, utcnow
from clinic_shared.events.catalog import ProductPublished, SkuSnapshot
from clinic_shared.events.pricing import DiscountGranted, DiscountGrantedV2, PriceChanged
from clinic_shared.messaging.kafka import new_producer
from clinic_shared.runtime import ServiceRuntime
from clinic_shared.testing.harness import emit, service_client
from clinic_shared.testing.infra import Infra
from clinic_shared.testing.plugin import auth_headers, eventually, running

SERVICE_DIR = Path(__file__).resolve().parents[1]
WEBHOOK_SECRET = "whsec_cart_tests_only"
ORDER_TOPIC = "cart.order.v1"


def _stripe_mock(infra: Infra) -> dict[str, str]:
    if not infra.stripe_mock_url:
        pytest.fail("stripe-mock is needed (STRIPE_MOCK_URL); deploy/local/stripe.sh starts it", pytrace=False)
    return {"stripe_api_base": infra.stripe_mock_url, "stripe_api_key": "sk_test_123",
            "stripe_webhook_secret": WEBHOOK_SECRET}


# Only the settings: the `shop` below runs the app with a Stripe client that records its refunds.
cart_settings = service_client("cart", CartSettings, create_app, SERVICE_DIR, extra=_stripe_mock).settings


class RecordingStripe(StripePayments):
    """The real Stripe client (against stripe-mock or localstripe) that also notes each refund it asked for."""

    def __init__(self, *, api_key: str, api_base: str) -> None:
        super().__init__(api_key=api_key, api_base=api_base, max_network_retries=0)
        self.refunds: list[dict[str, Any]] = []

    async def refund(self, *, payment_intent_id: str, amount: int, idempotency_key: str,
                     metadata: dict[str, str]) -> RefundRef:
        ref = await super().refund(payment_intent_id=payment_intent_id, amount=amount,
                                   idempotency_key=idempotency_key, metadata=metadata)
        self.refunds.append({"payment_intent": payment_intent_id, "amount": amount, "key": idempotency_key,
                             "id": ref.id, **metadata})
        return ref


@dataclass
class Shop:
    """The running cart app (Stripe is stripe-mock), and the other services' events fed to it over Kafka."""

    client: httpx.AsyncClient
    app: FastAPI
    settings: CartSettings
    producer: AIOKafkaProducer
    payments: RecordingStripe

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    async def emit(self, event: Event) -> None:
        await emit(self.settings, event, producer=self.producer)

    async def product(self, sku: str, *, price: int = 30000, category: str = "troche", regions: tuple[str, ...] = ("NY",),
                      requires_evaluation: bool = False, name: str | None = None) -> str:
        """Publish a product with one SKU and its price, and wait until the cart's read models have both."""
        product_id = str(uuid.uuid4())
        await self.emit(ProductPublished(
            product_id=product_id, slug=f"p-{product_id[:8]}", name=name or f"Product {sku}", category=category,
            route=None, conditions=[], regions=list(regions), requires_evaluation=requires_evaluation,
            status="active", skus=[SkuSnapshot(sku=sku, label=sku)], version=1))
        await self.price(sku, price, version=1)
        await eventually(lambda: self._has_product(sku))
        return product_id

    async def price(self, sku: str, unit_price: int, *, version: int) -> None:
        await self.emit(PriceChanged(sku=sku, unit_price=unit_price, currency="USD", version=version))
        await eventually(lambda: self._has_price(sku, unit_price))

    async def grant(self, customer: str, sku: str, *, ours: int = 30000, theirs: int = 30000, percent: int = 20,
                    region: str = "NY", max_units: int = 99, discount_id: str | None = None,
                    expires_in: timedelta = timedelta(days=30)) -> str:
        """A v2 grant, as pricing makes it: the final shown is `percent`% off min(ours, theirs), rounded up."""
        discount_id = discount_id or str(uuid.uuid4())
        basis = min(ours, theirs)
        off = -(-basis * percent // 100)
        await self.emit(DiscountGrantedV2(
            customer_id=customer, sku=sku, discount_id=discount_id, report_id="r-1", currency="USD",
            expires_at=utcnow() + expires_in, percent_off=percent, our_unit_price_at_grant=ours,
            competitor_unit_price=theirs, amount_off_at_grant=ours - (basis - off), final_unit_price_at_grant=basis - off,
            region=region, max_units=max_units))
        return discount_id

    async def grant_v1(self, customer: str, sku: str, amount_off: int, *, final_unit_price: int,
                       discount_id: str | None = None, expires_in: timedelta = timedelta(days=30)) -> str:
        """A v1 grant (still in the topics from before v2)."""
        discount_id = discount_id or str(uuid.uuid4())
        await self.emit(DiscountGranted(customer_id=customer, sku=sku, discount_id=discount_id, report_id="r-1",
                                        amount_off=amount_off, final_unit_price=final_unit_price, currency="USD",
                                        expires_at=utcnow() + expires_in))
        return discount_id

    async def _has_product(self, sku: str) -> bool:
        async with self.runtime.sessions() as s:
            return sku in await ReadModels(s).products_for([sku])

    async def _has_price(self, sku: str, unit_price: int) -> bool:
        async with self.runtime.sessions() as s:
            found = (await ReadModels(s).prices_for([sku])).get(sku)
            return found is not None and found.unit_price == unit_price

    # -- HTTP shortcuts ----------------------------------------------------------------------------
    async def customer_cart(self, customer: str, *items: tuple[str, int]) -> dict[str, Any]:
        r = await self.client.post("/carts", headers=auth_headers(customer, "customer"))
        assert r.status_code in (200, 201), r.text
        cart = r.json()
        for sku, quantity in items:
            r = await self.client.post(f"/carts/{cart['id']}/items", json={"sku": sku, "quantity": quantity},
                                       headers=auth_headers(customer, "customer"))
            assert r.status_code == 201, r.text
            cart = r.json()
        return cart

    async def checkout(self, cart_id: str, customer: str, region: str = "NY", **extra: Any) -> httpx.Response:
        return await self.client.post(f"/carts/{cart_id}/checkout", json={"region": region, **extra},
                                      headers=auth_headers(customer, "customer"))

    def payment_event(self, order: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return payment_event(order, **kw)

    async def webhook(self, payload: dict[str, Any], *, secret: str = WEBHOOK_SECRET,
                      timestamp: int | None = None) -> httpx.Response:
        body = json.dumps(payload)
        header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
        return await self.client.post("/webhooks/stripe", content=body.encode(),
                                      headers={"Stripe-Signature": header, "Content-Type": "application/json"})


def payment_event(order: dict[str, Any], *, kind: str = "payment_intent.succeeded", event_id: str | None = None,
                  amount: int | None = None, error: dict[str, str] | None = None) -> dict[str, Any]:
    """A Stripe event about the PaymentIntent of a checkout answer, as Stripe would send it."""
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}", "object": "event", "type": kind,
        "api_version": "2024-06-20", "created": int(time.time()), "livemode": False,
        "data": {"object": {
            "id": order["payment_intent_id"], "object": "payment_intent",
            "amount": order["amount"] if amount is None else amount, "currency": order["currency"].lower(),
            "status": "succeeded" if kind.endswith("succeeded") else "requires_payment_method",
            "metadata": {"order_id": order["order_id"]}, "last_payment_error": error,
        }},
    }


@pytest.fixture
async def producer(cart_settings: CartSettings) -> AsyncIterator[AIOKafkaProducer]:
    producer = new_producer(cart_settings.kafka_bootstrap_servers, "cart-tests")
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


@pytest.fixture
def emit_event(producer: AIOKafkaProducer, cart_settings: CartSettings) -> Callable[[Event], Awaitable[str]]:
    """Publish another service's event (a CloudEvent, as its outbox would) on this test's topics."""
    return lambda event: emit(cart_settings, event, producer=producer)


@pytest.fixture
async def shop(cart_settings: CartSettings, producer: AIOKafkaProducer) -> AsyncIterator[Shop]:
    payments = RecordingStripe(api_key=cart_settings.stripe_api_key, api_base=cart_settings.stripe_api_base)
    app = create_app(cart_settings, payments=payments)
    async with running(app) as client:
        yield Shop(client, app, cart_settings, producer, payments)


