"""No request waits for a thread: every route and every dependency of the four services is a
coroutine function. FastAPI runs a plain `def` endpoint or dependency in a worker thread (anyio's
pool, a hand-off and a wake-up per call); a profile of the catalog list under load found a sync
`get_runtime` doing exactly that on every request of every service."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

SERVICES = ("catalog", "pricing", "cart", "content")


def sync_calls(dependant: Dependant, where: str) -> list[str]:
    """The plain functions FastAPI would run in a thread for this endpoint, with their place."""
    found: list[str] = []
    call: Any = dependant.call
    if call is not None:
        # A callable instance (HTTPBearer, a checker class) is judged by its __call__ method.
        target = call if inspect.isfunction(call) or inspect.ismethod(call) else type(call).__call__
        if not inspect.iscoroutinefunction(target) and not inspect.isasyncgenfunction(target):
            found.append(f"{where}: {getattr(call, '__qualname__', repr(call))}")
    for sub in dependant.dependencies:
        found += sync_calls(sub, where)
    return found


def api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every APIRoute, also those of included routers (FastAPI 0.16x keeps them unflattened)."""
    found: list[APIRoute] = []
    for r in routes:
        if isinstance(r, APIRoute):
            found.append(r)
        elif (inner := getattr(r, "original_router", None)) is not None:
            found += api_routes(list(inner.routes))
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_and_dependency_is_async(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("AUTH_JWT_SECRET", "contract-test-only-secret-not-used-for-anything")
    app = importlib.import_module(f"{service}.bootstrap").create_app()
    routes = api_routes(list(app.routes))
    assert routes, f"{service} has no routes"
    offenders = [c for r in routes for c in sync_calls(r.dependant, f"{sorted(r.methods)[0]} {r.path}")]
    assert not offenders, f"{service}: these run in a worker thread per request:\n" + "\n".join(offenders)


def test_a_sync_dependency_is_found() -> None:
    from fastapi import Depends, FastAPI

    def plain() -> int:
        return 1

    app = FastAPI()

    @app.get("/x")
    async def x(v: int = Depends(plain)) -> int:
        return v

    [route] = api_routes(list(app.routes))
    assert sync_calls(route.dependant, "GET /x") == ["GET /x: test_a_sync_dependency_is_found.<locals>.plain"]
