"""The request middleware: request ids and the HTTP metrics, by route template and status."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, HTTPException

from clinic_shared.http import RequestContext
from clinic_shared.logs import request_id_var
from clinic_shared.metrics import HTTP_REQUESTS


def _app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestContext, service="rc-test")

    @app.get("/items/{item_id}")
    async def item(item_id: str) -> dict[str, str | None]:
        return {"item": item_id, "request_id": request_id_var.get()}

    @app.get("/missing")
    async def missing() -> None:
        raise HTTPException(404, "no")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    return app


def _count(route: str, status: str) -> float:
    return HTTP_REQUESTS.labels("rc-test", "GET", route, status)._value.get()


async def test_ids_and_metrics_by_route_template() -> None:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        before = _count("/items/{item_id}", "200"), _count("/missing", "404"), _count("/boom", "500")
        echoed = await client.get("/items/a1", headers={"X-Request-ID": "abc-123"})
        assert echoed.headers["x-request-id"] == "abc-123"
        assert echoed.json() == {"item": "a1", "request_id": "abc-123"}  # the logs see the same id
        fresh = await client.get("/items/a2", headers={"X-Request-ID": "bad id\twith spaces"})
        assert fresh.headers["x-request-id"] != "bad id\twith spaces"
        assert len(fresh.headers["x-request-id"]) == 32
        assert (await client.get("/missing")).headers["x-request-id"]
        assert (await client.get("/boom")).status_code == 500
        assert _count("/items/{item_id}", "200") == before[0] + 2
        assert _count("/missing", "404") == before[1] + 1
        assert _count("/boom", "500") == before[2] + 1  # a failing handler is counted too
    assert request_id_var.get() is None


@pytest.mark.parametrize("path", ["/nowhere"])
async def test_unmatched_routes_share_one_label(path: str) -> None:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        before = _count("unmatched", "404")
        assert (await client.get(path)).status_code == 404
        assert _count("unmatched", "404") == before + 1
