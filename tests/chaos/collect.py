"""Reads a History back from the real broker and databases, for the checker (checker.py)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from clinic_shared.events.envelope import EnvelopeError, decode

from .checker import Consumer, History, OutboxRow, Record

SERVICES_WITH_SUBSCRIPTIONS = ("pricing", "cart", "content")


def _subscriptions(svc: str) -> list[Any]:
    """The subscriptions exactly as the service's bootstrap wires them (some are built by factories)."""
    bootstrap = importlib.import_module(f"{svc}.bootstrap")
    settings_module = importlib.import_module(f"{svc}.settings")
    settings_cls = next(v for k, v in vars(settings_module).items()
                        if k.endswith("Settings") and k != "ServiceSettings" and isinstance(v, type))
    return list(bootstrap.build_runtime(settings_cls(environment="test")).subscriptions)


def consumers(prefix: str) -> list[Consumer]:
    out = []
    for svc in SERVICES_WITH_SUBSCRIPTIONS:
        for sub in _subscriptions(svc):
            out.append(Consumer(f"{svc}.{sub.name}", frozenset(prefix + t for t in sub.topics),
                                frozenset(cls.TYPE for cls in sub.handlers)))
    return out


async def _partitions(consumer: AIOKafkaConsumer, topics: Iterable[str]) -> list[TopicPartition]:
    # `consumer.partitions_for_topic` knows only subscribed topics and `consumer.topics()` does not keep
    # the metadata it fetched: ask the client for the whole cluster's metadata once.
    cluster = await consumer._client.fetch_all_metadata()
    return [TopicPartition(t, p) for t in sorted(topics) for p in sorted(cluster.partitions_for_topic(t) or ())]


def _record(r: Any) -> Record:
    key = r.key.decode(errors="replace") if r.key is not None else None
    try:
        e = decode(r.headers, r.key, r.value)
    except EnvelopeError:
        return Record(r.topic, r.partition, r.offset, key, raw=r.value or b"")
    return Record(r.topic, r.partition, r.offset, key, e.id, e.type, e.data, r.value or b"")


async def read_topics(bootstrap: str, prefix: str) -> list[Record]:
    """Every record of every topic under `prefix`, each partition in offset order, up to its end."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                isolation_level="read_committed", auto_offset_reset="earliest")
    await consumer.start()
    try:
        tps = await _partitions(consumer, (t for t in await consumer.topics() if t.startswith(prefix)))
        if not tps:
            return []
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        for tp, offset in (await consumer.beginning_offsets(tps)).items():
            consumer.seek(tp, offset)
        records: list[Record] = []
        pending = {tp for tp in tps if ends[tp] > 0}
        while pending:
            batch = await consumer.getmany(*pending, timeout_ms=1000)
            for recs in batch.values():
                records.extend(_record(r) for r in recs)
            for tp in list(pending):
                if await consumer.position(tp) >= ends[tp]:
                    pending.discard(tp)
        return records
    finally:
        await consumer.stop()


async def group_lag(bootstrap: str, prefix: str) -> dict[str, int]:
    """Per consumer group under `prefix`: records on its topics past its committed offsets."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed")
    await admin.start()
    await consumer.start()
    try:
        groups = [g[0] for g in await admin.list_consumer_groups() if g[0].startswith(prefix)]
        lag: dict[str, int] = {}
        for group in groups:
            committed = await admin.list_consumer_group_offsets(group)
            tps = await _partitions(consumer, {tp.topic for tp in committed})
            ends = await consumer.end_offsets(tps) if tps else {}
            begins = await consumer.beginning_offsets(tps) if tps else {}
            lag[group] = sum(max(ends[tp] - (committed[tp].offset if tp in committed else begins[tp]), 0)
                             for tp in tps)
        return lag
    finally:
        await consumer.stop()
        await admin.close()


async def _fetch(url: str, query: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return list(await conn.fetch(query))
    finally:
        await conn.close()


async def collect(bootstrap: str, prefix: str, database_urls: Mapping[str, str]) -> History:
    h = History(records=await read_topics(bootstrap, prefix), consumers=consumers(prefix),
                lag=await group_lag(bootstrap, prefix))
    for svc, url in database_urls.items():
        for r in await _fetch(url, "SELECT event_id, topic, key, published_at IS NOT NULL AS sent FROM outbox"):
            topic = r["topic"] if r["topic"].startswith(prefix) else prefix + r["topic"]
            h.outbox.append(OutboxRow(svc, r["event_id"], topic, r["key"], r["sent"]))
        for r in await _fetch(url, "SELECT consumer, event_id FROM inbox"):
            h.inbox.setdefault(r["consumer"], set()).add(r["event_id"])
    pricing, cart, content, catalog = (database_urls[s] for s in ("pricing", "cart", "content", "catalog"))
    h.reports = {r["id"]: r["status"] for r in await _fetch(pricing, "SELECT id, status FROM price_match_reports")}
    h.discounts = {r["id"]: r["report_id"] for r in await _fetch(pricing, "SELECT id, report_id FROM discounts")}
    h.orders = {r["id"]: r["status"] for r in await _fetch(cart, "SELECT id, status FROM orders")}
    h.stored = {
        "products": {r["id"] for r in await _fetch(catalog, "SELECT id FROM products")},
        "price versions": {f"{r['sku']}@{r['version']}"
                           for r in await _fetch(pricing, "SELECT sku, version FROM price_history")},
        "reports": set(h.reports), "orders": set(h.orders),
        "comments": {r["id"] for r in await _fetch(content, "SELECT id FROM comments")},
    }
    prices = {r["sku"]: (r["unit_price"], r["version"])
              for r in await _fetch(pricing, "SELECT sku, unit_price, version FROM prices")}
    # A draft product was never published: no read model knows it.
    skus = {r["sku"]: r["product_id"] for r in await _fetch(
        catalog, "SELECT s.sku, s.product_id FROM skus s JOIN products p ON p.id = s.product_id "
                 "WHERE p.status <> 'draft'")}
    for name, url in (("cart", cart), ("content", content)):
        h.read_models[f"{name}'s prices"] = (prices, {
            r["sku"]: (r["unit_price"], r["version"])
            for r in await _fetch(url, "SELECT sku, unit_price, version FROM prices")})
        h.read_models[f"{name}'s product SKUs"] = (skus, {
            r["sku"]: r["product_id"] for r in await _fetch(url, "SELECT sku, product_id FROM product_skus")})
    h.read_models["pricing's product SKUs"] = (skus, {
        r["sku"]: r["product_id"] for r in await _fetch(pricing, "SELECT sku, product_id FROM catalog_skus")})
    return h
