"""The one place that wires the cart: settings, runtime (database, broker, outbox, consumers), Stripe, routes."""

from __future__ import annotations

from fastapi import FastAPI

from cart.adapters.payments import PaymentGateway, StripePayments
from cart.entrypoints.events import catalog_products, pricing_price_matches, pricing_prices
from cart.entrypoints.http.routes import carts, orders, webhooks
from cart.service_layer.contracts import contracts
from cart.settings import CartRuntime, CartSettings
from clinic_shared.events.cart import (
    OrderClaimed,
    OrderPaid,
    OrderPaymentFailed,
    OrderPaymentMismatched,
    OrderPlaced,
    OrderRefunded,
)
from clinic_shared.http import create_service_app
from clinic_shared.runtime import ServiceRuntime

SERVICE = "cart"


def build_runtime(settings: CartSettings, payments: PaymentGateway | None = None) -> CartRuntime:
    payments = payments or build_payments(settings)
    return ServiceRuntime(
        service=SERVICE, settings=settings, mapper=contracts,
        publishes=[OrderPlaced, OrderPaid, OrderPaymentFailed, OrderPaymentMismatched, OrderRefunded, OrderClaimed],
        subscriptions=[catalog_products.subscription, pricing_prices.subscription,
                       pricing_price_matches.discounts_subscription_for(settings),
                       pricing_price_matches.refunds_subscription_for(payments)],
    )


def build_payments(settings: CartSettings) -> PaymentGateway:
    return StripePayments(api_key=settings.stripe_api_key, api_base=settings.stripe_api_base)


def create_app(settings: CartSettings | None = None, payments: PaymentGateway | None = None) -> FastAPI:
    settings = settings or CartSettings()
    payments = payments or build_payments(settings)
    app = create_service_app(
        build_runtime(settings, payments), title="Cart",
        description="Carts (anonymous by token, or a customer's), checkout into orders, Stripe payments and webhooks.",
        routers=[carts.router, orders.router, webhooks.router],
    )
    app.state.payments = payments
    return app
