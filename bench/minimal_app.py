"""The minimal endpoint for the HTTP baseline: FastAPI under uvicorn, like the services, with no
middleware, no database and no validation; it answers the same bytes the real routes answered
(BENCH_MINIMAL_BODIES: a JSON file {"products": "...", "cart": "..."})."""

from __future__ import annotations

import json
import os
from pathlib import Path

from fastapi import FastAPI, Response


def create_app() -> FastAPI:
    bodies = json.loads(Path(os.environ["BENCH_MINIMAL_BODIES"]).read_text())
    products, cart = bodies["products"].encode(), bodies["cart"].encode()
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/products")
    async def list_products() -> Response:
        return Response(products, media_type="application/json")

    @app.post("/carts/{cart_id}/items")
    async def add_item(cart_id: str) -> Response:
        return Response(cart, status_code=201, media_type="application/json")

    @app.get("/readyz")
    async def ready() -> Response:
        return Response(b"{}", media_type="application/json")

    return app
