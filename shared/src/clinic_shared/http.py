"""Service defaults every app gets from one call: errors, request ids, metrics, health, AsyncAPI, traces."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clinic_shared.asyncapi import asyncapi_document
from clinic_shared.devtools import DEV_ENVIRONMENTS, dev_router, figures_router
from clinic_shared.errors import install_error_handlers
from clinic_shared.logs import request_id_var
from clinic_shared.metrics import HTTP_LATENCY, HTTP_REQUESTS
from clinic_shared.ops_dlq import dead_letter_router
from clinic_shared.runtime import ServiceRuntime

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
Startup = Callable[[ServiceRuntime], Awaitable[None]]


async def get_runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]


def create_service_app(
    runtime: ServiceRuntime, *, title: str, description: str, routers: Sequence[APIRouter],
    on_startup: Sequence[Startup] = (),
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        for hook in on_startup:
            await hook(runtime)
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan)
    app.state.runtime = runtime
    app.state.settings = runtime.settings
    install_error_handlers(app)
    _install_request_middleware(app, runtime.service)
    app.include_router(_ops_router(runtime))
    app.include_router(dead_letter_router(runtime))
    app.include_router(figures_router(runtime))
    if runtime.settings.environment in DEV_ENVIRONMENTS:  # never in production: the route is absent
        app.include_router(dev_router(runtime))
    for router in routers:
        app.include_router(router)
    # One server span per request: the ASGI instrumentation's extra spans for every receive and send
    # (two or more per request) carry nothing we read and cost a span each.
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics", exclude_spans=["receive", "send"])
    return app


def _install_request_middleware(app: FastAPI, service: str) -> None:
    app.add_middleware(RequestContext, service=service)


class RequestContext:
    """Request ids (X-Request-ID, from a well-formed incoming header or new) and the HTTP metrics.

    Plain ASGI rather than `@app.middleware("http")`: Starlette's BaseHTTPMiddleware runs every request
    through an extra task group and memory streams, a measurable share of a cached catalog list's CPU."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        rid = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        status = 500  # what the client sees when the app fails before it starts a response

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            await send(message)

        token = request_id_var.set(rid)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            HTTP_REQUESTS.labels(self.service, method, route, str(status)).inc()
            HTTP_LATENCY.labels(self.service, method, route).observe(time.perf_counter() - started)


def _ops_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": runtime.service}

    @router.get(
        "/readyz", summary="Readiness: the database and the broker answer",
        responses={503: {"description": "Not ready"}},
    )
    async def readyz() -> JSONResponse:
        checks = await runtime.readiness()
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks},
                            status_code=200 if ok else 503)

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @router.get("/asyncapi.json", summary="The AsyncAPI document of this service's events")
    async def asyncapi() -> dict[str, Any]:
        return asyncapi_document(runtime)

    return router
