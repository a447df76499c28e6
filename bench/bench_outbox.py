"""The outbox part of bench/bench_messaging.py alone, with the relay's own throughput beside it.

    uv run --frozen python bench/bench_outbox.py --events 2000

On one fresh PostgreSQL database and fresh topics of the shared broker, in one run:
  raw_produce        aiokafka producer (acks=all, idempotent), every send started, then every ack awaited
  outbox_publish     bench_messaging's measurement as it is: one business transaction per event, written
                     one after the other while the relay runs, from the first commit to the last ack
  outbox_publish_c8  the same with 8 concurrent writers (what several HTTP requests at once do)
  outbox_drain       the relay alone: N rows already committed, from the relay's start to the last row
                     marked published (every row acknowledged by the broker first)
Prints a table and writes JSON under var/bench/ (outbox-<time>.json).
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
from typing import Any

import asyncpg
from bench_messaging import BenchEvent, _events, metadata, outbox_publish, raw_produce
from sqlalchemy import delete, func, select

from clinic_shared import db
from clinic_shared.messaging.kafka import ensure_topics, new_producer
from clinic_shared.outbox.relay import OutboxRelay
from clinic_shared.outbox.writer import add_event

PARTS = ("raw_produce", "outbox_publish", "outbox_publish_c8", "outbox_drain")


async def _wait_published(sessions: Any) -> None:
    while True:
        async with sessions() as s:
            left = (await s.execute(select(db.OUTBOX.c.id).where(db.OUTBOX.c.published_at.is_(None)).limit(1))).first()
        if left is None:
            return
        await asyncio.sleep(0.01)


async def _clear(sessions: Any) -> None:
    async with sessions() as s, s.begin():
        await s.execute(delete(db.OUTBOX))


async def outbox_publish_concurrent(bootstrap: str, prefix: str, url: str, events: list[BenchEvent],
                                    writers: int = 8) -> float:
    engine = db.create_engine(url)
    sessions = db.sessionmaker(engine)
    await _clear(sessions)
    producer = new_producer(bootstrap, "bench-outbox-c")
    await producer.start()
    relay = OutboxRelay(service="bench", sessions=sessions, producer=producer, topic_prefix=prefix)
    task = asyncio.create_task(relay.run())
    try:
        started = time.perf_counter()

        async def writer(part: list[BenchEvent]) -> None:
            for e in part:
                async with sessions() as s, s.begin():
                    await add_event(s, e, source="/bench")
                relay.notify()

        await asyncio.gather(*(writer(events[i::writers]) for i in range(writers)))
        await _wait_published(sessions)
        return time.perf_counter() - started
    finally:
        task.cancel()
        await relay.close()
        await producer.stop()
        await engine.dispose()


async def outbox_drain(bootstrap: str, prefix: str, url: str, events: list[BenchEvent]) -> float:
    engine = db.create_engine(url)
    sessions = db.sessionmaker(engine)
    await _clear(sessions)
    async with sessions() as s, s.begin():  # the backlog: written before the clock starts
        for e in events:
            await add_event(s, e, source="/bench")
    producer = new_producer(bootstrap, "bench-outbox-drain")
    await producer.start()
    relay = OutboxRelay(service="bench", sessions=sessions, producer=producer, topic_prefix=prefix)
    try:
        started = time.perf_counter()
        task = asyncio.create_task(relay.run())
        await _wait_published(sessions)
        elapsed = time.perf_counter() - started
        task.cancel()
        async with sessions() as s:
            published = (await s.execute(select(func.count()).select_from(db.OUTBOX)
                                         .where(db.OUTBOX.c.state == db.STATE_PUBLISHED))).scalar_one()
        assert published == len(events), (published, len(events))
        return elapsed
    finally:
        await relay.close()
        await producer.stop()
        await engine.dispose()


async def main(n: int, out_dir: Path, runs: int, parts: list[str]) -> dict[str, Any]:
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    admin_url = os.environ.get("POSTGRES_ADMIN_URL", "postgresql://clinic:clinic@127.0.0.1:5432/postgres")
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    raw_topic, topic = prefix + "raw.v1", prefix + BenchEvent.TOPIC
    await ensure_topics(bootstrap, [raw_topic, topic], partitions=3)
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
    results: dict[str, list[float]] = {}
    try:
        for _ in range(runs):
            for label, run in (
                ("raw_produce", lambda: raw_produce(bootstrap, raw_topic, events)),
                ("outbox_publish", lambda: _fresh(url, lambda: outbox_publish(bootstrap, prefix, url, events))),
                ("outbox_publish_c8", lambda: outbox_publish_concurrent(bootstrap, prefix, url, events)),
                ("outbox_drain", lambda: outbox_drain(bootstrap, prefix, url, events)),
            ):
                if label in parts:
                    results.setdefault(label, []).append(await run())
    finally:
        conn = await asyncpg.connect(admin_url)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
    # The best of the runs: the machine is shared, the slow runs measure the neighbours.
    rows = {k: {"seconds": round(min(v), 3), "events_per_second": round(n / min(v), 1),
                "all_seconds": [round(x, 3) for x in v]} for k, v in results.items()}
    report = {"when": datetime.now(UTC).isoformat(), "events": n, "runs": runs, "machine": platform.node(),
              "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()], "results": rows}
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"outbox-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"{'benchmark':<22}{'seconds':>10}{'events/s':>12}   all runs (s)")
    for k, v in rows.items():
        print(f"{k:<22}{v['seconds']:>10}{v['events_per_second']:>12}   {v['all_seconds']}")
    print(f"written: {path}")
    return report


async def _fresh(url: str, run: Any) -> float:
    engine = db.create_engine(url)
    try:
        await _clear(db.sessionmaker(engine))
    finally:
        await engine.dispose()
    result: float = await run()
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--parts", type=lambda v: v.split(","), default=list(PARTS),
                        help=f"which measurements, comma-separated (default: all of {','.join(PARTS)})")
    args = parser.parse_args()
    asyncio.run(main(args.events, Path("var/bench"), args.runs, args.parts))
