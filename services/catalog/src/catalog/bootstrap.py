"""The one place that wires the catalog: settings, runtime (database, broker, outbox), routes."""

from __future__ import annotations

from fastapi import FastAPI

from catalog.entrypoints.http.routes import products
from catalog.service_layer.contracts import contracts
from catalog.service_layer.list_cache import ListCache
from catalog.settings import CatalogSettings
from clinic_shared.events.catalog import ProductArchived, ProductPublished, ProductUpdated
from clinic_shared.http import create_service_app
from clinic_shared.runtime import ServiceRuntime

SERVICE = "catalog"


def build_runtime(settings: CatalogSettings | None = None) -> ServiceRuntime:
    return ServiceRuntime(
        service=SERVICE, settings=settings or CatalogSettings(),
        publishes=[ProductPublished, ProductUpdated, ProductArchived], mapper=contracts,
    )


def create_app(settings: CatalogSettings | None = None) -> FastAPI:
    settings = settings or CatalogSettings()
    app = create_service_app(
        build_runtime(settings), title="Catalog",
        description="The clinic's treatments and consultations: products, SKUs, where they are sold.",
        routers=[products.router],
    )
    # One per app (per replica, per test app): its entries are checked against this app's database.
    app.state.list_cache = ListCache(settings.list_cache_bytes)
    return app
