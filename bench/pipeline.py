"""The price-match pipeline under load: a report POSTed through the gateway until its discount is
visible in the customer's cart.

Open loop: report i of a step is due at start + i/rate, whatever happened to the earlier ones, and
its latency is counted from that due time (so it includes any queueing, in the client as in the
platform). Every report comes from its own customer (one grant per customer and SKU, and five
reports per customer per day, are the policy), whose cart already holds the SKU. After the 202
(approved at once: an eligible licensed clinic, a plausible lower price) the cart is polled until
the line carries the discount: every 5 ms at first, backing off to 50 ms, so the figure is an upper
bound by at most the last interval. The POST goes through the gateway; the polls go straight to the
cart service (one or each of its replicas), so they do not count against the gateway's per-address
rate limit, which the offered load alone must respect.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from common import cpu_seconds, latency_summary

from clinic_shared.testing.plugin import auth_headers

SKU = "TROCHE-30D-100"
OUR_PRICE, COMPETITOR_PRICE = 19900, 17900
POLLS_IN_FLIGHT = 4
POLLS_PER_REPORT = 5  # the poll budget: this many polls per offered report per second (at least 30/s)


@dataclass
class Customer:
    headers: dict[str, str]
    cart_id: str


def report_body() -> dict[str, Any]:
    return {"sku": SKU, "competitor_name": "MindBridge Clinic",
            "competitor_url": "https://mindbridge-clinic.example/ketamine-troches",
            "competitor_price": COMPETITOR_PRICE, "currency": "USD", "region": "CA",
            "observed_at": datetime.now(UTC).isoformat(),
            "proof_url": "https://mindbridge-clinic.example/ketamine-troches#price",
            # The competitor's product, checked against our SKU's variant: only then is it approved at once.
            "competitor_product": "Ketamine troches", "competitor_strength": "100 mg", "competitor_quantity": 30}


async def _request(client: httpx.AsyncClient, method: str, url: str, *, attempts: int = 40,
                   ok: tuple[int, ...] = (200, 201), **kw: Any) -> httpx.Response:
    """For the set-up only: retried (the cart learns the product from events; 429 from the gateway)."""
    last: httpx.Response | None = None
    for i in range(attempts):
        try:
            last = await client.request(method, url, **kw)
            if last.status_code in ok:
                return last
        except httpx.HTTPError:
            pass
        await asyncio.sleep(min(0.05 * (i + 1), 1.0))
    raise RuntimeError(f"{method} {url}: {last.status_code if last else 'no answer'} {last.text[:300] if last else ''}")


async def make_customers(gw: httpx.AsyncClient, n: int, tag: str, concurrency: int = 8) -> list[Customer]:
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int) -> Customer:
        async with sem:
            headers = auth_headers(f"bench-{tag}-{i}", "customer")
            cart = (await _request(gw, "POST", "/api/cart/carts", headers=headers)).json()["id"]
            await _request(gw, "POST", f"/api/cart/carts/{cart}/items", headers=headers,
                           json={"sku": SKU, "quantity": 1})
            return Customer(headers, cart)

    return list(await asyncio.gather(*(one(i) for i in range(n))))


class Pipeline:
    def __init__(self, gateway: str, cart_urls: list[str], visible_timeout: float) -> None:
        limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
        self.gw = httpx.AsyncClient(base_url=gateway, timeout=30, limits=limits)
        self.carts = [httpx.AsyncClient(base_url=u, timeout=30, limits=limits) for u in cart_urls]
        self.visible_timeout = visible_timeout
        self.poll_rate = 50.0
        self._next_poll = 0.0
        self._in_flight = asyncio.Semaphore(POLLS_IN_FLIGHT)
        self.polls = 0

    async def close(self) -> None:
        await self.gw.aclose()
        for c in self.carts:
            await c.aclose()

    async def _poll_slot(self) -> None:
        """The poll budget: polls are spaced globally at most `poll_rate` per second and at most
        POLLS_IN_FLIGHT at once, so that watching for the discount cannot take the cart's whole CPU
        (its consumer would starve and the bench would measure itself)."""
        now = time.perf_counter()
        slot = max(now, self._next_poll)
        self._next_poll = slot + 1 / self.poll_rate
        if slot > now:
            await asyncio.sleep(slot - now)
        await self._in_flight.acquire()

    async def _visible(self, i: int, customer: Customer) -> bool:
        cart = self.carts[i % len(self.carts)]
        deadline = time.monotonic() + self.visible_timeout
        delay = 0.01
        while time.monotonic() < deadline:
            await self._poll_slot()
            self.polls += 1
            try:
                answer = await cart.get(f"/carts/{customer.cart_id}", headers=customer.headers)
                if answer.status_code == 200 and answer.json()["items"][0]["discount"] > 0:
                    return True
            except httpx.HTTPError:
                pass
            finally:
                self._in_flight.release()
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 0.05)
        return False

    async def one(self, i: int, customer: Customer, due: float) -> dict[str, Any]:
        try:
            answer = await self.gw.post("/api/pricing/price-match/reports", headers=customer.headers,
                                        json=report_body())
        except httpx.HTTPError as exc:
            return {"error": type(exc).__name__}
        posted = time.perf_counter()
        if answer.status_code != 202:
            return {"error": f"http_{answer.status_code}"}
        if answer.json().get("status") != "approved":
            return {"error": f"not_approved_{answer.json().get('status')}"}
        if not await self._visible(i, customer):
            return {"error": "not_visible_in_time", "post_s": posted - due}
        return {"visible_s": time.perf_counter() - due, "post_s": posted - due}

    async def warm_up(self, tag: str) -> None:
        """The first report of a fresh stack: products and prices have reached the cart, topics exist."""
        [customer] = await make_customers(self.gw, 1, f"{tag}-warm")
        for _ in range(3):
            result = await self.one(0, customer, time.perf_counter())
            if "visible_s" in result:
                return
            customer = (await make_customers(self.gw, 1, f"{tag}-warm{uuid.uuid4().hex[:4]}"))[0]
        raise RuntimeError(f"the pipeline does not answer: {result}")

    async def step(self, rate: float, duration: float, tag: str,
                   on_load: Callable[[], None] | None = None) -> dict[str, Any]:
        n = max(1, round(rate * duration))
        customers = await make_customers(self.gw, n, tag)
        self.poll_rate, self.polls = max(30.0, POLLS_PER_REPORT * rate), 0
        if on_load:
            on_load()
        cpu0 = cpu_seconds()
        start = time.perf_counter() + 0.1
        tasks = []
        lag = 0.0
        for i, customer in enumerate(customers):
            due = start + i / rate
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            else:
                lag = max(lag, -wait)
            tasks.append(asyncio.create_task(self.one(i, customer, due)))
        results = await asyncio.gather(*tasks)
        end = time.perf_counter()
        visible = [r["visible_s"] for r in results if "visible_s" in r]
        posts = [r["post_s"] for r in results if "post_s" in r]
        after = [r["visible_s"] - r["post_s"] for r in results if "visible_s" in r]
        errors: dict[str, int] = {}
        for r in results:
            if "error" in r:
                errors[r["error"]] = errors.get(r["error"], 0) + 1
        elapsed = max(end - start, n / rate)
        achieved = len(visible) / elapsed
        held = not errors and achieved >= 0.95 * rate
        return {"offered_per_s": rate, "duration_s": duration, "reports": n, "visible": len(visible),
                "achieved_per_s": round(achieved, 1), "errors": sum(errors.values()), "error_kinds": errors,
                "held": held, "visible_latency": latency_summary(visible), "post_latency": latency_summary(posts),
                "after_post_latency": latency_summary(after),
                "polls": self.polls, "poll_budget_per_s": self.poll_rate,
                "client_schedule_lag_ms": round(lag * 1000, 1),
                "load_average_1m": round(os.getloadavg()[0], 2),
                "client_cpu_share": round((cpu_seconds() - cpu0) / elapsed, 2)}


def cart_urls(stack: Any) -> list[str]:
    ports = getattr(stack, "ports", None)
    if isinstance(ports, dict) and ports.get("cart"):
        return [f"http://127.0.0.1:{p}" for p in ports["cart"]]
    return [f"http://127.0.0.1:{stack.env['CART_PORT']}"]


async def run_pipeline(stack: Any, rates: list[float], duration: float, *, visible_timeout: float = 15.0,
                       hold: tuple[float, float] | None = None, all_steps: bool = False,
                       on_load: Callable[[], None] | None = None, profile_seconds: float = 0) -> dict[str, Any]:
    """Every offered rate in turn (stopping after the first one not held, unless all_steps), then the
    hold step (rate, seconds) unless a step of the ramp at that rate or below was not held (it would
    only measure a backlog); then, with on_load (which starts the profilers), a profiled step of
    profile_seconds at the highest rate held."""
    pipe = Pipeline(stack.gateway, cart_urls(stack), visible_timeout)
    run = uuid.uuid4().hex[:6]
    try:
        await pipe.warm_up(run)
        steps: list[dict[str, Any]] = []
        skipped: list[float] = []
        for rate in rates:
            if steps and not steps[-1]["held"] and not all_steps:
                skipped.append(rate)
                continue
            steps.append(await pipe.step(rate, duration, f"{run}-{rate:g}"))
            await asyncio.sleep(1.0)  # let the backlog of the step drain before the next
        held_rates = [s["offered_per_s"] for s in steps if s["held"]]
        out: dict[str, Any] = {"steps": steps, "skipped_after_saturation": skipped,
                               "highest_rate_held": max(held_rates) if held_rates else None,
                               "highest_rate_achieved": max((s["achieved_per_s"] for s in steps), default=None)}
        failed_below = [s["offered_per_s"] for s in steps if not s["held"] and hold and s["offered_per_s"] <= hold[0]]
        if hold and failed_below:
            out["hold_not_run"] = f"{failed_below[0]:g}/s was not held in the ramp"
        elif hold:
            out["hold"] = await pipe.step(hold[0], hold[1], f"{run}-hold")
        if on_load and profile_seconds:
            # A step of its own, after the measured ones: a profiler running during a measured step
            # slowed it down several times on this machine.
            rate = out["highest_rate_held"] or rates[0]
            await asyncio.sleep(1.0)
            out["profiled_step"] = await pipe.step(rate, profile_seconds, f"{run}-profiled", on_load)
        return out
    finally:
        await pipe.close()
