"""The one place that wires pricing: settings (and with them the policy), runtime (database, broker, outbox,
consumers, the expiry job), routes."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from clinic_shared.events import pricing as contract
from clinic_shared.events.base import Event
from clinic_shared.http import create_service_app
from clinic_shared.runtime import ServiceRuntime
from pricing.entrypoints.events import cart_orders, catalog_products
from pricing.entrypoints.http.routes import competitors, discounts, policy, prices, reports
from pricing.entrypoints.jobs import discount_expiry, review_queue_gauges
from pricing.service_layer.contracts import contracts
from pricing.settings import PricingRuntime, PricingSettings

SERVICE = "pricing"
PUBLISHES: list[type[Event]] = [
    contract.PriceChanged,
    contract.PriceMatchRequested, contract.PriceMatchApproved, contract.PriceMatchRejected,
    contract.PriceMatchEscalated,
    contract.DiscountGrantedV2, contract.DiscountRedeemed, contract.DiscountExpired, contract.DiscountRevoked,
    contract.DiscountReinstated, contract.PriceMatchRefundApproved,
]


def build_runtime(settings: PricingSettings | None = None) -> PricingRuntime:
    settings = settings or PricingSettings()
    expiry = discount_expiry(settings.expiry_interval_seconds, timedelta(seconds=settings.expiry_grace_seconds))
    return ServiceRuntime(
        service=SERVICE, settings=settings, publishes=PUBLISHES, mapper=contracts,
        subscriptions=[catalog_products.subscription, cart_orders.subscription],
        background=[expiry, review_queue_gauges(max(settings.expiry_interval_seconds, 15.0))],
    )


def create_app(settings: PricingSettings | None = None) -> FastAPI:
    return create_service_app(
        build_runtime(settings), title="Pricing",
        description=(
            "Prices of every SKU and their history, and the price-match guarantee: "
            "\"If you find a better price, we'll give you 20% off!\" Reports, verification, "
            "the ops review queue, and the discounts they grant."
        ),
        routers=[prices.router, reports.router, reports.me_router, discounts.router, competitors.router,
                 policy.router],
    )
