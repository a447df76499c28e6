"""The one place that wires content: settings, runtime (database, broker, outbox, consumers), routes."""

from __future__ import annotations

from fastapi import FastAPI

from clinic_shared.events.content import (
    ArticlePublished,
    ArticleUnpublished,
    ArticleUpdated,
    CommentApproved,
    CommentRejected,
    CommentSubmitted,
)
from clinic_shared.http import create_service_app
from clinic_shared.runtime import ServiceRuntime
from content.entrypoints.events import catalog_products, pricing_prices
from content.entrypoints.http.routes import articles, comments, moderation, privacy
from content.service_layer.contracts import contracts
from content.settings import ContentSettings

SERVICE = "content"


def build_runtime(settings: ContentSettings | None = None) -> ServiceRuntime:
    return ServiceRuntime(
        service=SERVICE, settings=settings or ContentSettings(),
        publishes=[ArticlePublished, ArticleUpdated, ArticleUnpublished,
                   CommentSubmitted, CommentApproved, CommentRejected],
        subscriptions=[catalog_products.subscription, pricing_prices.subscription], mapper=contracts,
    )


def create_app(settings: ContentSettings | None = None) -> FastAPI:
    return create_service_app(
        build_runtime(settings), title="Content",
        description="Patient-education articles (reviewed, searchable, with related treatments) and their "
                    "moderated comments.",
        routers=[articles.router, comments.router, moderation.router, privacy.router],
    )
