"""The fault harness: the whole platform (every service its own process, two replicas of pricing and
of cart, behind nginx) on a PRIVATE Kafka broker and a PRIVATE PostgreSQL cluster, under the
workload of workload.py, while a nemesis injects one fault after another with recovery between:

  1. SIGKILL of each service (one replica of the replicated ones), restarted by services.sh;
     the time until the restarted process answers is measured (target 5 s);
  2. a PostgreSQL fast restart (the 57P03 window), with a prober counting 5xx through the gateway
     (target: no 500; a 503 with Retry-After is acceptable);
  3. a broker stop (bounded: 12 s; `make chaos`: 45 s, past the producer's request timeout) and restart;
  4. PostgreSQL and Kafka down together;
  5. a poison message on every consumed topic.

After healing, checker.py judges the history read back from the topics and the databases.
`make test` runs the bounded form; `make chaos` (CHAOS_LONG=1) the long form, with the same checker.
The figures of the run go to var/chaos/last-run.json (docs/reliability.md quotes them).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from clinic_shared.testing.plugin import auth_headers

from ..e2e.stack import ROOT, Stack, running_stack
from . import checker
from .collect import collect, consumers, group_lag
from .private import PrivateParts, private_parts
from .workload import Workload, new_tag

pytestmark = [pytest.mark.e2e, pytest.mark.chaos]
LONG = os.environ.get("CHAOS_LONG") == "1"
PROFILE: dict[str, Any] = {
    "broker_down_s": 45 if LONG else 12,
    "both_down_s": 30 if LONG else 8,
    "kill": ["catalog-1", "pricing-1", "pricing-2", "cart-1", "cart-2", "content-1"] if LONG
    else ["catalog-1", "pricing-1", "cart-2", "content-1"],
}
RECOVER_TARGET_S = 5.0
# The bounded form in `make test` shares CI's 2 cores with the whole suite: a restart is mostly Python
# importing the service (2.5-3.5 s of CPU), so 5 s wall flakes there (5.96 s seen once). It still fails
# on what the defect was (a restart waiting out the consumer group's 30 s session: 20-36 s before the
# fix); `make chaos` asserts the 5 s target itself, and both record every figure.
RECOVER_LIMIT_S = RECOVER_TARGET_S if LONG else 15.0
OUT = ROOT / "var" / "chaos"


@pytest.fixture(scope="module")
def parts() -> Iterator[PrivateParts]:
    with private_parts() as p:
        yield p


@pytest.fixture(scope="module")
def chaos_stack(parts: PrivateParts) -> Iterator[Stack]:
    with running_stack(parts.infra, replicas={"pricing": 2, "cart": 2}) as s:
        yield s


class Prober:
    """GETs that touch each service's database, through the gateway, counting statuses."""

    def __init__(self, stack: Stack) -> None:
        self.stack, self.stop, self.statuses = stack, threading.Event(), Counter[str]()
        self.without_retry_after = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = auth_headers("chaos-prober", "customer")
        paths = ["/api/catalog/products?limit=1", f"/api/pricing/prices/{'TROCHE-30D-100'}",
                 "/api/content/articles?limit=1", "/api/pricing/discounts"]
        with httpx.Client(base_url=self.stack.gateway, timeout=10, headers=me) as api:
            while not self.stop.is_set():
                for path in paths:
                    try:
                        answer = api.get(path)
                        self.statuses[str(answer.status_code)] += 1
                        if answer.status_code == 503 and "retry-after" not in answer.headers:
                            self.without_retry_after += 1
                    except httpx.TransportError as exc:
                        self.statuses[type(exc).__name__] += 1
                time.sleep(0.05)

    def __enter__(self) -> Prober:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


def kill_and_time_recovery(stack: Stack, instance: str) -> dict[str, Any]:
    """SIGKILL one replica, restart it with services.sh; seconds from the restart until it answers
    /healthz on its own port, and (a service with one replica) until the gateway answers for it."""
    svc, n = instance.rsplit("-", 1)
    own = f"http://127.0.0.1:{stack.ports[svc][int(n) - 1]}/healthz"
    via_gateway = f"{stack.gateway}/api/{svc}/healthz"
    old_pid = stack.pid(instance)
    os.kill(old_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _answers(own) and time.monotonic() < deadline:
        time.sleep(0.05)
    called = time.monotonic()
    restart = threading.Thread(target=stack.services, args=("start", instance))
    restart.start()
    spawned: float | None = None  # when services.sh launched the new process (after the migrations)
    cpu_s: float | None = None  # CPU the new process had used when it first answered: waiting vs. working
    own_s = gateway_s = None
    while time.monotonic() - called < 180 and (own_s is None or gateway_s is None):
        if spawned is None:
            try:
                if stack.pid(instance) != old_pid:
                    spawned = time.monotonic()
            except (OSError, ValueError):
                pass
        if spawned is not None and own_s is None and _answers(own):
            own_s = time.monotonic() - spawned
            cpu_s = _cpu_seconds(stack.pid(instance))
        if spawned is not None and gateway_s is None and _answers(via_gateway):
            gateway_s = time.monotonic() - spawned
        time.sleep(0.05)
    restart.join(timeout=300)
    return {"killed_at": time.strftime("%H:%M:%S", time.gmtime(time.time() - (time.monotonic() - called))),
            "own_port_s": None if own_s is None else round(own_s, 2), "cpu_s_until_answer": cpu_s,
            "gateway_s": None if gateway_s is None or len(stack.ports[svc]) > 1 else round(gateway_s, 2),
            "services_sh_start_s": round(time.monotonic() - called, 2)}


async def inject_poison(bootstrap: str, prefix: str) -> list[str]:
    topics = sorted({t for c in consumers(prefix) for t in c.topics})
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for topic in topics:
            await producer.send_and_wait(topic, key=f"{checker.POISON_PREFIX}{topic}".encode(),
                                         value=f"{checker.POISON_PREFIX} not an event".encode())
    finally:
        await producer.stop()
    return topics


def wait_healed(stack: Stack, timeout: float) -> dict[str, int]:
    """Until every group's lag is 0 (or `timeout`): the last lag seen."""
    deadline = time.monotonic() + timeout
    lag: dict[str, int] = {}
    while time.monotonic() < deadline:
        try:
            lag = asyncio.run(group_lag(stack.env["KAFKA_BOOTSTRAP_SERVERS"], stack.env["KAFKA_TOPIC_PREFIX"]))
            if lag and not any(lag.values()):
                return lag
        except Exception:  # the broker may still be settling after the last fault
            pass
        time.sleep(2)
    return lag


def timed(log: list[dict[str, Any]], name: str, fault: Callable[[], Any]) -> Any:
    started = time.monotonic()
    result = fault()
    log.append({"fault": name, "seconds": round(time.monotonic() - started, 1),
                **({"result": result} if result is not None else {})})
    return result


@pytest.mark.timeout(2400 if LONG else 900)
def test_under_every_fault_nothing_is_lost_doubled_reordered_or_dead_lettered(
        parts: PrivateParts, chaos_stack: Stack) -> None:
    stack, run_started = chaos_stack, time.monotonic()
    workload = Workload(stack, tag=new_tag())
    worker = threading.Thread(target=workload.run, daemon=True)
    faults: list[dict[str, Any]] = []
    recovery: dict[str, dict[str, Any]] = {}
    worker.start()
    try:
        time.sleep(3)  # some load before the first fault
        if LONG:
            time.sleep(30)  # a longer workload: more state before the faults
        for instance in PROFILE["kill"]:
            recovery[instance] = timed(faults, f"SIGKILL {instance}", lambda i=instance: kill_and_time_recovery(stack, i))
        with Prober(stack) as during_restart:
            time.sleep(1)
            timed(faults, "PostgreSQL fast restart", lambda: parts.postgres("restart"))
            time.sleep(3)
        parts.script("kafka", "stop")
        timed(faults, f"Kafka down {PROFILE['broker_down_s']} s", lambda: time.sleep(PROFILE["broker_down_s"]))
        timed(faults, "Kafka start", lambda: parts.kafka("start"))
        time.sleep(5)
        parts.postgres("stop")
        parts.kafka("stop")
        timed(faults, f"PostgreSQL and Kafka down {PROFILE['both_down_s']} s",
              lambda: time.sleep(PROFILE["both_down_s"]))
        parts.postgres("start")
        timed(faults, "Kafka start (after both down)", lambda: parts.kafka("start"))
        poisoned = timed(faults, "poison on every consumed topic", lambda: asyncio.run(
            inject_poison(stack.env["KAFKA_BOOTSTRAP_SERVERS"], stack.env["KAFKA_TOPIC_PREFIX"])))
    finally:
        workload.stop.set()
        worker.join(timeout=300)
    workload.approve_reviews()
    lag = wait_healed(stack, timeout=240)

    history = asyncio.run(collect(stack.env["KAFKA_BOOTSTRAP_SERVERS"], stack.env["KAFKA_TOPIC_PREFIX"],
                                  {svc: stack.env[f"{svc.upper()}_DATABASE_URL"] for svc in stack.ports}))
    acks = workload.acks
    history.accepted_reports = acks.reports
    history.acknowledged = {"products": acks.products, "price versions": acks.price_versions,
                            "reports": acks.reports, "orders": acks.orders, "comments": acks.comments}
    violations = checker.check(history)
    slow = {i: r for i, r in recovery.items() if r["own_port_s"] is None or r["own_port_s"] > RECOVER_LIMIT_S}
    errors_500 = during_restart.statuses.get("500", 0)
    figures = {
        "branch_code": os.environ.get("CHAOS_CODE_LABEL", "working tree"),
        "profile": "long (make chaos)" if LONG else "bounded (make test)", **PROFILE,
        "wall_s": round(time.monotonic() - run_started, 1), "iterations": workload.iterations,
        **checker.figures(history), "violations": len(violations), "lag_after_heal": lag,
        "faults": faults, "time_to_recover_s": recovery, "poisoned_topics": poisoned,
        "during_db_restart": dict(during_restart.statuses), "503_without_retry_after": during_restart.without_retry_after,
        "workload": {"products": len(acks.products), "price_versions": len(acks.price_versions),
                     "reports": len(acks.reports), "escalated": len(acks.review), "orders": len(acks.orders),
                     "paid": len(acks.paid_orders), "comments": len(acks.comments),
                     "statuses": dict(acks.statuses), "gave_up": len(acks.gave_up)},
        "violation_list": violations[:60], "gave_up_list": acks.gave_up[:30],
    }
    OUT.mkdir(parents=True, exist_ok=True)
    Path(OUT / ("last-run-long.json" if LONG else "last-run.json")).write_text(json.dumps(figures, indent=2))

    assert not violations, "the checker found:\n" + "\n".join(violations[:60]) + f"\n{stack.logs(15)}"
    assert errors_500 == 0, f"{errors_500} answers were 500 during the database restart: {during_restart.statuses}"
    assert during_restart.without_retry_after == 0, "a 503 without Retry-After"
    assert not slow, f"restarted services answered after more than {RECOVER_LIMIT_S} s: {slow}"
