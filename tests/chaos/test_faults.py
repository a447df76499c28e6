"""Faults under load: kill -9 a publisher and a consumer while changes keep coming (the quick check on
the shared parts; test_harness.py adds the broker and database faults on private ones). Nothing committed is lost, nothing is doubled: every product and every price version the
services acknowledged reaches Kafka exactly once (one CloudEvent id each) and reaches the consumers."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
import uuid
from collections import defaultdict

import asyncpg
import httpx
import pytest

from clinic_shared.events.envelope import decode
from clinic_shared.testing.plugin import auth_headers, read_topic

from ..e2e.stack import ROOT, Stack

pytestmark = pytest.mark.e2e
EDITOR, OPS = auth_headers("chaos-editor", "editor"), auth_headers("chaos-ops", "ops")


def _kill9(stack: Stack, service: str) -> None:
    os.kill(stack.pid(f"{service}-1"), signal.SIGKILL)


def _sh(stack: Stack, *args: str) -> None:
    proc = subprocess.run(["bash", *args], cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]


def _until_done(call, what: str, timeout: float = 90.0) -> httpx.Response:  # type: ignore[no-untyped-def]
    """Retry through a fault until the service answers; 409 means an earlier try had committed."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = call()
            if response.status_code < 500:
                return response
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: the service never came back")
        time.sleep(0.3)


async def _rows(url: str, query: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return await conn.fetch(query, *args)
    finally:
        await conn.close()


def test_kill_minus_9_mid_load_loses_nothing_and_doubles_nothing(stack: Stack) -> None:
    tag = uuid.uuid4().hex[:6]
    n, prices_per_sku = 24, 3
    schedule = [(2, lambda: _kill9(stack, "pricing")), (3, lambda: _sh(stack, "deploy/local/services.sh", "start")),
                (2, lambda: _kill9(stack, "catalog")), (1, lambda: _sh(stack, "deploy/local/services.sh", "start"))]
    # (Broker and database faults run in test_harness.py, on a private broker and cluster: this test
    # runs on the shared ones, which other tests use at the same time.)
    errors: list[BaseException] = []

    def inject() -> None:
        try:
            for pause, fault in schedule:
                time.sleep(pause)
                fault()
        except BaseException as exc:
            errors.append(exc)

    injector = threading.Thread(target=inject)
    injector.start()
    skus: dict[str, str] = {}
    i = 0
    with httpx.Client(base_url=stack.gateway, timeout=10) as api:
        while i < n or injector.is_alive():
            sku = f"CHAOS-{tag.upper()}-{i}"
            product = {"slug": f"chaos-{tag}-{i}", "name": f"Chaos {i}", "category": "therapy", "regions": ["CA"],
                       "status": "active", "skus": [{"sku": sku, "label": "one"}]}
            created = _until_done(lambda p=product: api.post("/api/catalog/products", json=p, headers=EDITOR),
                                  f"creating product {i}")
            assert created.status_code in (201, 409), created.text
            for version in range(1, prices_per_sku + 1):
                put = _until_done(lambda s=sku, v=version: api.put(
                    f"/api/pricing/prices/{s}", json={"unit_price": 1000 * v, "currency": "USD"}, headers=OPS),
                    f"pricing {sku}")
                assert put.status_code == 200, put.text
            got = _until_done(lambda t=tag, k=i: api.get(f"/api/catalog/products/chaos-{t}-{k}"), "reading back")
            skus[sku] = got.json()["id"]
            i += 1
    injector.join()
    assert not errors, errors
    n = len(skus)

    prefix, kafka = stack.env["KAFKA_TOPIC_PREFIX"], stack.env["KAFKA_BOOTSTRAP_SERVERS"]
    product_events = asyncio.run(read_topic(kafka, prefix + "catalog.product.v1", expect=n, timeout=60))
    by_product: dict[str, set[str]] = defaultdict(set)
    for r in product_events:
        e = decode(r.headers, r.key, r.value)
        if e.key in skus.values():
            by_product[e.key].add(e.id)
    assert {pid: len(ids) for pid, ids in by_product.items()} == {pid: 1 for pid in skus.values()}, \
        "every acknowledged product published exactly once (one event id each)"

    price_events = asyncio.run(read_topic(kafka, prefix + "pricing.price.v1", expect=n * prices_per_sku, timeout=60))
    versions: dict[str, list[int]] = defaultdict(list)
    seen_ids: set[str] = set()
    for r in price_events:
        e = decode(r.headers, r.key, r.value)
        if e.key in skus and e.id not in seen_ids:  # a re-sent copy keeps its id: consumers drop it
            seen_ids.add(e.id)
            versions[e.key].append(e.data["unit_price"])
    assert {s: sorted(v) for s, v in versions.items()} == {s: [1000, 2000, 3000] for s in skus}, \
        "every acknowledged price change published once, none lost"

    # Both consumers of the product stream, one of them killed mid-load, have every product, once.
    for service, consumer, table in (("pricing", "pricing.catalog-products", "catalog_skus"),
                                     ("cart", "cart.products", None)):
        url = stack.env[f"{service.upper()}_DATABASE_URL"]
        deadline = time.monotonic() + 60
        while True:
            done = asyncio.run(_rows(url, "SELECT event_id FROM inbox WHERE consumer = $1", consumer))
            wanted = {i for ids in by_product.values() for i in ids}
            if wanted <= {r["event_id"] for r in done} or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert wanted <= {r["event_id"] for r in done}, f"{consumer} missed product events\n{stack.logs()}"
        if table:
            have = asyncio.run(_rows(url, f"SELECT sku FROM {table} WHERE sku LIKE $1", f"CHAOS-{tag.upper()}-%"))
            assert sorted(r["sku"] for r in have) == sorted(skus)
    # And the cart's price read model ends at the last version of every price.
    cart_url = stack.env["CART_DATABASE_URL"]
    deadline = time.monotonic() + 60
    while True:
        rows = asyncio.run(_rows(cart_url, "SELECT sku, unit_price FROM prices WHERE sku LIKE $1", f"CHAOS-{tag.upper()}-%"))
        final = {r["sku"]: r["unit_price"] for r in rows}
        if final == {s: 3000 for s in skus} or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert final == {s: 3000 for s in skus}
    dlq = asyncio.run(read_topic(kafka, prefix + "catalog.product.v1.dlq", expect=0, timeout=2))
    assert dlq == [], "no fault turned a good message into a dead letter"
