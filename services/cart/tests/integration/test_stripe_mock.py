"""The PaymentIntent request, checked by stripe-mock against Stripe's own OpenAPI."""

from __future__ import annotations

import uuid

import pytest
import stripe

from cart.adapters.payments import StripePayments
from clinic_shared.testing.infra import Infra


@pytest.fixture
def stripe_mock(infra: Infra) -> str:
    if not infra.stripe_mock_url:
        pytest.fail("stripe-mock is needed (STRIPE_MOCK_URL); deploy/local/stripe.sh starts it", pytrace=False)
    return infra.stripe_mock_url


async def test_the_payment_intent_request_is_accepted_by_stripes_api_schema(stripe_mock: str) -> None:
    order_id = str(uuid.uuid4())
    intent = await StripePayments(api_key="sk_test_123", api_base=stripe_mock).create_payment_intent(
        order_id=order_id, cart_id=str(uuid.uuid4()), amount=24000, currency="USD")
    assert intent.id.startswith("pi_") and intent.client_secret


async def test_stripe_mock_refuses_a_request_outside_stripes_api(stripe_mock: str) -> None:
    """The control: stripe-mock really validates, so the test above can fail."""
    client = stripe.StripeClient("sk_test_123", base_addresses={"api": stripe_mock},
                                 http_client=stripe.HTTPXClient(), max_network_retries=0)
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.payment_intents.create_async(
            {"amount": 24000, "currency": "usd", "no_such_parameter": "x"},  # type: ignore[typeddict-unknown-key]
            {"idempotency_key": str(uuid.uuid4())})
