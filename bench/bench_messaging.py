"""Benchmarks of the event backbone against raw aiokafka on the same broker, in the same run.

    make bench        (or: uv run python bench/bench_messaging.py --events 3000)

Seven measurements, each over N events of ~300 bytes:
  raw_produce      aiokafka producer (acks=all, idempotent), send + wait for every ack
  outbox_publish   one business transaction per event on PostgreSQL (outbox row), relay to Kafka:
                   from the first commit to the last broker ack
  raw_consume      aiokafka consumer reading the N events, no database
  policy_consume_baseline
                   BASELINE: the consumer policy as it was before the move to FastStream (a copy in
                   bench/baseline_consumer.py, hand-written aiokafka loop): inbox + effect in one
                   PostgreSQL transaction per event, offsets committed per partition batch
  policy_consume   the consumer policy now (clinic_shared.messaging.policy): a FastStream batch
                   subscriber, a polled batch in one transaction with a savepoint per event
                   (decision 0015), the batch's offsets committed once
  policy_consume_per_event
                   the same policy with CONSUMER_BATCH_TRANSACTION off: one transaction per event
  outbox_drain     the relay alone: N rows committed beforehand, from the wake-up to the last mark
Prints a table and writes JSON under var/bench/. The ratios matter more than the absolute numbers:
these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import asyncpg
from aiokafka import AIOKafkaConsumer
from sqlalchemy import Column, Integer, String, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from clinic_shared import db
from clinic_shared.events.base import Event
from clinic_shared.messaging.kafka import ensure_topics, new_broker, new_producer
from clinic_shared.messaging.policy import ConsumerPolicy, start_in_background
from clinic_shared.messaging.subscription import MessageContext, Subscription
from clinic_shared.outbox.relay import OutboxRelay
from clinic_shared.outbox.writer import add_event
from clinic_shared.settings import ServiceSettings

metadata = db.new_metadata()
effects = Table("bench_effects", metadata, Column("id", String(64), primary_key=True), Column("n", Integer))
baseline_effects = Table("bench_effects_baseline", metadata, Column("id", String(64), primary_key=True),
                         Column("n", Integer))
per_event_effects = Table("bench_effects_per_event", metadata, Column("id", String(64), primary_key=True),
                          Column("n", Integer))


class BenchEvent(Event):
    TYPE: ClassVar[str] = "clinic.bench.tick.v1"
    TOPIC: ClassVar[str] = "bench.ticks.v1"
    KEY_FIELD: ClassVar[str] = "key"

    id: str
    key: str
    payload: str


def _events(n: int) -> list[BenchEvent]:
    return [BenchEvent(id=f"e{i}", key=f"k{i % 16}", payload="x" * 200) for i in range(n)]


async def raw_produce(bootstrap: str, topic: str, events: list[BenchEvent]) -> float:
    producer = new_producer(bootstrap, "bench-raw")
    await producer.start()
    try:
        started = time.perf_counter()
        futures = [await producer.send(topic, e.model_dump_json().encode(), key=e.kafka_key.encode()) for e in events]
        await asyncio.gather(*futures)
        return time.perf_counter() - started
    finally:
        await producer.stop()


async def outbox_publish(bootstrap: str, prefix: str, url: str, events: list[BenchEvent]) -> float:
    engine = db.create_engine(url)
    sessions = db.sessionmaker(engine)
    producer = new_producer(bootstrap, "bench-outbox")
    await producer.start()
    relay = OutboxRelay(service="bench", sessions=sessions, producer=producer, topic_prefix=prefix)
    task = asyncio.create_task(relay.run())
    try:
        started = time.perf_counter()
        for e in events:
            async with sessions() as s, s.begin():
                await add_event(s, e, source="/bench")
            relay.notify()
        while await _unpublished_left(sessions):
            await asyncio.sleep(0.01)
        return time.perf_counter() - started
    finally:
        task.cancel()
        await relay.close()
        await producer.stop()
        await engine.dispose()


async def _unpublished_left(sessions: Any) -> bool:
    async with sessions() as s:
        return (await s.execute(select(db.OUTBOX.c.id).where(db.OUTBOX.c.published_at.is_(None)).limit(1))).first() \
            is not None


async def outbox_drain(bootstrap: str, prefix: str, url: str, events: list[BenchEvent]) -> float:
    """The relay alone: every row committed first (one transaction), then timed from the wake-up until
    the broker acknowledged and the relay marked the last one."""
    engine = db.create_engine(url)
    sessions = db.sessionmaker(engine)
    async with sessions() as s, s.begin():
        await s.execute(db.OUTBOX.delete())
        for e in events:
            await add_event(s, e, source="/bench")
    producer = new_producer(bootstrap, "bench-drain")
    await producer.start()
    relay = OutboxRelay(service="bench", sessions=sessions, producer=producer, topic_prefix=prefix)
    try:
        if not await relay.leadership.refresh():
            raise RuntimeError("the bench relay could not take the outbox lock")
        started = time.perf_counter()
        while await relay.drain_once():
            pass
        if await _unpublished_left(sessions):
            raise RuntimeError("the relay stopped with rows unsent")
        return time.perf_counter() - started
    finally:
        await relay.close()
        await producer.stop()
        await engine.dispose()


async def raw_consume(bootstrap: str, topic: str, n: int) -> float:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=f"bench-raw-{uuid.uuid4().hex[:6]}",
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        consumer.subscribe([topic])
        seen, started = 0, time.perf_counter()
        while seen < n:
            batch = await consumer.getmany(timeout_ms=500)
            for tp, records in batch.items():
                seen += len(records)
                await consumer.commit({tp: records[-1].offset + 1})
        return time.perf_counter() - started
    finally:
        await consumer.stop()


async def _wait_for_effects(sessions: Any, table: Table, n: int) -> float:
    started = time.perf_counter()
    while True:
        async with sessions() as s:
            done = (await s.execute(select(table.c.id).offset(n - 1).limit(1))).first()
        if done is not None:
            return time.perf_counter() - started
        await asyncio.sleep(0.02)


async def policy_consume_baseline(bootstrap: str, prefix: str, url: str, n: int) -> float:
    # bench/ is on sys.path when this file runs. The frozen baseline keeps its own Subscription and context.
    from baseline_consumer import BaselineContext, EventConsumer
    from baseline_consumer import Subscription as BaselineSubscription

    engine = db.create_engine(url)
    sessions = db.sessionmaker(engine)
    producer = new_producer(bootstrap, "bench-policy-baseline")
    await producer.start()

    async def handle(ctx: BaselineContext, event: Event) -> None:
        assert isinstance(event, BenchEvent)
        await ctx.session.execute(pg_insert(baseline_effects).values(id=event.id, n=1).on_conflict_do_nothing())

    consumer = EventConsumer(service="bench", subscription=BaselineSubscription("effects-baseline",
                                                                                {BenchEvent: handle}),
                             bootstrap_servers=bootstrap, sessions=sessions, producer=producer, topic_prefix=prefix)
    await consumer.start()
    task = asyncio.create_task(consumer.run())
    try:
        return await _wait_for_effects(sessions, baseline_effects, n)
    finally:
        task.cancel()
        await consumer.stop()
        await producer.stop()
        await engine.dispose()


async def policy_consume(bootstrap: str, prefix: str, url: str, n: int, *, batch: bool = True) -> float:
    engine = db.create_engine(url)
    sessions = db.sessionmaker(engine)
    producer = new_producer(bootstrap, "bench-policy")
    await producer.start()
    # Its own group (and table) per variant: each reads the topic from the start.
    subscription = Subscription("effects" if batch else "effects-per-event")
    table = effects if batch else per_event_effects

    @subscription.handler
    async def handle(ctx: MessageContext, event: BenchEvent) -> None:
        await ctx.session.execute(pg_insert(table).values(id=event.id, n=1).on_conflict_do_nothing())

    settings = ServiceSettings(kafka_bootstrap_servers=bootstrap, kafka_topic_prefix=prefix, environment="test")
    broker = new_broker(settings, "bench")
    policy = ConsumerPolicy(service="bench", subscription=subscription, sessions=sessions, producer=producer,
                            topic_prefix=prefix, batch_transaction=batch)
    policy.register(broker, settings)
    # Timed like the baseline: from the joined consumer's start to the last effect.
    await start_in_background(broker, [policy])
    try:
        return await _wait_for_effects(sessions, table, n)
    finally:
        await broker.stop()
        await producer.stop()
        await engine.dispose()


async def main(n: int, out_dir: Path) -> dict[str, Any]:
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    admin_url = os.environ.get("POSTGRES_ADMIN_URL", "postgresql://clinic:clinic@127.0.0.1:5432/postgres")
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    raw_topic, topic = prefix + "raw.v1", prefix + BenchEvent.TOPIC
    await ensure_topics(bootstrap, [raw_topic, topic, topic + ".dlq"], partitions=3)
    name = f"bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin_url)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1) + "/" + name
    engine = db.create_engine(url)
    async with engine.begin() as c:
        await c.run_sync(metadata.create_all)
    await engine.dispose()
    events = _events(n)
    try:
        results = {
            "raw_produce": await raw_produce(bootstrap, raw_topic, events),
            "outbox_publish": await outbox_publish(bootstrap, prefix, url, events),
            "outbox_drain": await outbox_drain(bootstrap, prefix, url, events),
            "raw_consume": await raw_consume(bootstrap, raw_topic, n),
            "policy_consume_baseline": await policy_consume_baseline(bootstrap, prefix, url, n),
            "policy_consume": await policy_consume(bootstrap, prefix, url, n),
            "policy_consume_per_event": await policy_consume(bootstrap, prefix, url, n, batch=False),
        }
    finally:
        conn = await asyncpg.connect(admin_url)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
    rows = {k: {"seconds": round(v, 3), "events_per_second": round(n / v, 1)} for k, v in results.items()}
    report = {
        "when": datetime.now(UTC).isoformat(), "events": n, "machine": platform.node(), "cpus": os.cpu_count(),
        "results": rows,
        "ratios": {"outbox_publish_vs_raw_produce": round(results["outbox_publish"] / results["raw_produce"], 2),
                   "outbox_drain_vs_raw_produce": round(results["outbox_drain"] / results["raw_produce"], 2),
                   "policy_consume_vs_raw_consume": round(results["policy_consume"] / results["raw_consume"], 2),
                   "policy_consume_vs_per_event": round(
                       results["policy_consume"] / results["policy_consume_per_event"], 2),
                   "policy_consume_vs_baseline": round(
                       results["policy_consume"] / results["policy_consume_baseline"], 2)},
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"messaging-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"{'benchmark':<26}{'seconds':>10}{'events/s':>12}")
    for k, v in rows.items():
        print(f"{k:<26}{v['seconds']:>10}{v['events_per_second']:>12}")
    for k, v in report["ratios"].items():
        print(f"{k}: {v}x")
    print(f"written: {path}")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=3000)
    args = parser.parse_args()
    asyncio.run(main(args.events, Path("var/bench")))
