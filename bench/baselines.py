"""Raw baselines on the same broker: an aiokafka two-hop round trip, and Kafka's own tools
(`org.apache.kafka.tools.EndToEndLatency`, `ProducerPerformance` from kafka-tools).

The class path of Kafka's tools is found as deploy/local/kafka.sh finds it: the argfile of the
running broker's JVM (`@<checkout>/var/kafka/classpath.args`, whichever checkout started it), else
this checkout's var/kafka/classpath.txt, else Maven on deploy/local/kafka/pom.xml (jars from ~/.m2).
"""

from __future__ import annotations

import asyncio
import re
import shlex
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from common import ROOT, latency_summary
from footprint import pids_listening

from clinic_shared.messaging.kafka import ensure_topics, new_consumer, new_producer

JAVA_QUIET = ["-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"]


async def two_hop(bootstrap: str, prefix: str, n: int, size: int = 300, warm: int = 20) -> dict[str, Any]:
    """produce -> consume -> produce -> consume, one message in flight at a time, with the platform's
    client settings (acks=all, idempotent producer; read_committed consumer committing per batch)."""
    a, b = prefix + "hop.a", prefix + "hop.b"
    await ensure_topics(bootstrap, [a, b], partitions=1)
    relay_in = new_consumer(bootstrap, f"{prefix}hop-relay", "bench-hop-relay", a)
    relay_out = new_producer(bootstrap, "bench-hop-relay")
    back = new_consumer(bootstrap, f"{prefix}hop-back", "bench-hop-back", b)
    source = new_producer(bootstrap, "bench-hop-source")
    waiting: dict[bytes, asyncio.Future[float]] = {}
    for c in (relay_in, relay_out, back, source):
        await c.start()

    async def relay() -> None:
        while True:
            batch = await relay_in.getmany(timeout_ms=1000)
            for tp, records in batch.items():
                for r in records:
                    await relay_out.send_and_wait(b, r.value, key=r.key)
                await relay_in.commit({tp: records[-1].offset + 1})

    async def receive() -> None:
        while True:
            batch = await back.getmany(timeout_ms=1000)
            for tp, records in batch.items():
                for r in records:
                    fut = waiting.pop(r.key or b"", None)
                    if fut and not fut.done():
                        fut.set_result(time.perf_counter())
                await back.commit({tp: records[-1].offset + 1})

    tasks = [asyncio.create_task(relay()), asyncio.create_task(receive())]
    payload = b"x" * size
    samples: list[float] = []
    try:
        for i in range(warm + n):
            key = f"m{i}".encode()
            fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            waiting[key] = fut
            started = time.perf_counter()
            await source.send_and_wait(a, payload, key=key)
            done = await asyncio.wait_for(fut, timeout=60)
            if i >= warm:
                samples.append(done - started)
    finally:
        for t in tasks:
            t.cancel()
        for c in (relay_in, relay_out, back, source):
            await c.stop()
    return {"messages": n, "bytes": size, **latency_summary(samples)}


def kafka_classpath(bootstrap: str) -> tuple[str, str]:
    """(class path, where it came from)."""
    port = int(bootstrap.rsplit(":", 1)[1])
    for pid in pids_listening(port):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        for arg in args:
            if arg.startswith(b"@") and arg.endswith(b"classpath.args"):
                argfile = Path(arg[1:].decode())
                text = argfile.read_text().strip()
                cp = shlex.split(text)[1]
                return cp, str(argfile)
    own = ROOT / "var" / "kafka" / "classpath.txt"
    if own.is_file() and own.stat().st_size:
        return own.read_text().strip(), str(own)
    out = ROOT / "var" / "bench" / "kafka-classpath.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mvn", "-q", "-B", "-f", str(ROOT / "deploy/local/kafka/pom.xml"), "dependency:build-classpath",
                    f"-Dmdep.outputFile={out}"], check=True, capture_output=True, timeout=600)
    return out.read_text().strip(), "mvn dependency:build-classpath"


def _java(cp: str, *args: str, timeout: float = 300) -> str:
    proc = subprocess.run(["java", *JAVA_QUIET, "-cp", cp, *args], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{args[0]} failed ({proc.returncode}): {proc.stderr[-1500:]}")
    return proc.stdout


def end_to_end_latency(cp: str, bootstrap: str, topic: str, n: int, size: int = 300) -> dict[str, Any]:
    """Kafka's EndToEndLatency: one message at a time, produce (acks=all) -> consume, one hop."""
    out = _java(cp, "org.apache.kafka.tools.EndToEndLatency", bootstrap, topic, str(n), "all", str(size))
    avg = re.search(r"Avg latency: ([\d.]+) ms", out)
    pct = re.search(r"50th = ([\d.]+), 99th = ([\d.]+), 99.9th = ([\d.]+)", out)
    if not (avg and pct):
        raise RuntimeError(f"EndToEndLatency printed no figures:\n{out[-1500:]}")
    return {"messages": n, "bytes": size, "avg_ms": float(avg[1]), "p50_ms": float(pct[1]), "p99_ms": float(pct[2]),
            "p999_ms": float(pct[3])}


def producer_performance(cp: str, bootstrap: str, topic: str, n: int, size: int = 300) -> dict[str, Any]:
    """Kafka's ProducerPerformance: as fast as it can, acks=all."""
    out = _java(cp, "org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", str(n),
                "--record-size", str(size), "--throughput", "-1", "--producer-props",
                f"bootstrap.servers={bootstrap}", "acks=all")
    last = [line for line in out.splitlines() if "records sent" in line][-1]
    m = re.search(r"([\d.]+) records/sec.*?([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, "
                  r"(\d+) ms 95th, (\d+) ms 99th", last)
    if not m:
        raise RuntimeError(f"ProducerPerformance printed no figures:\n{out[-1500:]}")
    return {"records": n, "bytes": size, "records_per_s": float(m[1]), "avg_ms": float(m[2]), "max_ms": float(m[3]),
            "p50_ms": float(m[4]), "p95_ms": float(m[5]), "p99_ms": float(m[6])}


async def delete_topics(bootstrap: str, prefix: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="bench-cleanup")
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if mine:
            await admin.delete_topics(mine)
    finally:
        await admin.close()


async def run_baselines(bootstrap: str, *, hop_messages: int, e2e_messages: int, perf_records: int) -> dict[str, Any]:
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    try:
        hop = await two_hop(bootstrap, prefix, hop_messages)
        cp, cp_from = kafka_classpath(bootstrap)
        await ensure_topics(bootstrap, [prefix + "e2e", prefix + "perf"], partitions=1)
        e2e = await asyncio.to_thread(end_to_end_latency, cp, bootstrap, prefix + "e2e", e2e_messages)
        perf = await asyncio.to_thread(producer_performance, cp, bootstrap, prefix + "perf", perf_records)
    finally:
        await delete_topics(bootstrap, prefix)
    return {"aiokafka_two_hop": hop, "kafka_end_to_end_latency": e2e, "kafka_producer_performance": perf,
            "kafka_tools_classpath_from": cp_from}
