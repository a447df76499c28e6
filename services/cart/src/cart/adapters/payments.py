"""Payments: the port the checkout uses, and Stripe behind it (stripe-python's StripeClient).

The PaymentIntent is created with the order id as its idempotency key, so a retried checkout (or two
racing ones) asks Stripe for the same PaymentIntent instead of a second one.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

import stripe


class PaymentProviderError(Exception):
    """Stripe could not be reached or refused the request; the checkout can be retried."""


@dataclass(frozen=True)
class PaymentIntentRef:
    id: str
    client_secret: str
    status: str


@dataclass(frozen=True)
class RefundRef:
    id: str
    amount: int
    status: str


class PaymentGateway(abc.ABC):
    @abc.abstractmethod
    async def create_payment_intent(self, *, order_id: str, cart_id: str, amount: int,
                                    currency: str) -> PaymentIntentRef: ...

    async def refund(self, *, payment_intent_id: str, amount: int, idempotency_key: str,
                     metadata: dict[str, str]) -> RefundRef:
        """Refund `amount` of the PaymentIntent's charge; the same key answers the same refund (never a second)."""
        raise PaymentProviderError(f"{type(self).__name__} cannot refund")


class StripePayments(PaymentGateway):
    def __init__(self, *, api_key: str, api_base: str, timeout: float = 20.0, max_network_retries: int = 2) -> None:
        self._client = stripe.StripeClient(
            api_key, base_addresses={"api": api_base.rstrip("/")},
            http_client=stripe.HTTPXClient(timeout=timeout), max_network_retries=max_network_retries,
        )

    async def create_payment_intent(self, *, order_id: str, cart_id: str, amount: int,
                                    currency: str) -> PaymentIntentRef:
        try:
            intent = await self._client.v1.payment_intents.create_async(
                # Only what every Stripe we talk to accepts (Stripe, stripe-mock, localstripe): the payment
                # methods are Stripe's automatic choice, set in the dashboard.
                {"amount": amount, "currency": currency.lower(),
                 "metadata": {"order_id": order_id, "cart_id": cart_id}},
                {"idempotency_key": order_id},
            )
        except stripe.StripeError as exc:
            raise PaymentProviderError(f"Stripe refused or did not answer: {type(exc).__name__}") from exc
        if not intent.client_secret:
            raise PaymentProviderError("Stripe answered a PaymentIntent without a client secret.")
        return PaymentIntentRef(id=intent.id, client_secret=intent.client_secret, status=intent.status)

    async def refund(self, *, payment_intent_id: str, amount: int, idempotency_key: str,
                     metadata: dict[str, str]) -> RefundRef:
        try:
            refund = await self._client.v1.refunds.create_async(
                {"payment_intent": payment_intent_id, "amount": amount, "metadata": metadata},
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise PaymentProviderError(f"Stripe refused or did not answer the refund: {type(exc).__name__}") from exc
        return RefundRef(id=refund.id, amount=int(refund.amount), status=str(refund.status))
