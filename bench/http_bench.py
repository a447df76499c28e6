"""HTTP through the gateway: the catalog list and a cart add on the running stack, against a minimal
endpoint (bench/minimal_app.py: FastAPI under uvicorn, same bytes answered) behind a second gateway
rendered from the same nginx template by the same deploy/local/gateway.sh, with the same rate limit.

Closed loop (a fixed number of connections, each sending its next request when the last answered; the cart adds
spread over carts of distinct customers, as a signed-in customer has one open cart),
driven by wrk when it is installed (C, two threads, so the client is not what limits), else by httpx.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from common import ROOT, free_port, latency_summary, ratio
from pipeline import SKU, Customer, _request, make_customers

UNLIMITED_RATE, UNLIMITED_BURST = "1000000r/s", "1000000"
ADD_BODY = json.dumps({"sku": SKU, "quantity": 1})
WRK_SCRIPT = """
local carts = {%(carts)s}
local auths = {%(auths)s}
local threads = {}
local n = 0
function setup(thread) thread:set("offset", n * 997); n = n + 1; table.insert(threads, thread) end
function init(args) i = offset or 0; codes = {}; sample = "" end
wrk.method = "POST"
wrk.body = '%(body)s'
request = function()
  i = i + 1
  local k = (i %% #carts) + 1
  return wrk.format(nil, "/api/cart/carts/" .. carts[k] .. "/items",
                    {["Content-Type"] = "application/json", ["Authorization"] = auths[k]})
end
response = function(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if status >= 300 and sample == "" then sample = string.sub(body, 1, 300) end
end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("codes")) do io.write(string.format("status %%d %%d\\n", k, v)) end
    local s = t:get("sample")
    if s ~= "" then io.write("sample " .. string.gsub(s, "\\n", " ") .. "\\n") end
  end
end
"""


def _units(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        return float("nan")
    return float(m[1]) * {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m[2]]


def wrk(url: str, seconds: float, connections: int, script: str | None = None) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script or "")
    try:
        args = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "10s"]
        if script:
            args += ["-s", f.name]
        out = subprocess.run([*args, url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    finally:
        os.unlink(f.name)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    dist = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    statuses: dict[str, int] = {}
    for code, count in re.findall(r"^status (\d+) (\d+)$", out, re.M):
        statuses[code] = statuses.get(code, 0) + int(count)
    samples = re.findall(r"^sample (.*)$", out, re.M)
    requests = int(total[1]) if total else 0
    errors = (int(non2xx[1]) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
    per_s = float(rps[1]) if rps else 0.0
    return {"client": "wrk", "connections": connections, "requests": requests, "requests_per_s": per_s,
            "errors": errors, "ok_per_s": round(per_s * (requests - errors) / requests, 1) if requests else 0.0,
            **({"statuses": statuses} if statuses else {}), **({"error_sample": samples[0]} if samples else {}),
            "p50_ms": _units(dist["50"]) if "50" in dist else None,
            "p99_ms": _units(dist["99"]) if "99" in dist else None}


async def _httpx_loop(base: str, seconds: float, connections: int, method: str, carts: list[Customer] | None,
                      body: str | None) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    samples: list[float] = []
    errors = 0
    async with httpx.AsyncClient(base_url=base, timeout=10, limits=limits) as client:
        end = time.perf_counter() + seconds

        async def worker(w: int) -> None:
            nonlocal errors
            i = w * 997
            while time.perf_counter() < end:
                i += 1
                t = time.perf_counter()
                try:
                    if carts:
                        c = carts[i % len(carts)]
                        r = await client.request(method, f"/api/cart/carts/{c.cart_id}/items", content=body,
                                                 headers={**c.headers, "Content-Type": "application/json"})
                    else:
                        r = await client.request(method, "/api/catalog/products")
                    if r.status_code >= 300:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                samples.append(time.perf_counter() - t)

        await asyncio.gather(*(worker(w) for w in range(connections)))
    s = latency_summary(samples)
    return {"client": "httpx", "connections": connections, "requests": len(samples),
            "requests_per_s": round(len(samples) / seconds, 1), "errors": errors,
            "ok_per_s": round((len(samples) - errors) / seconds, 1),
            "p50_ms": s["p50_ms"], "p99_ms": s["p99_ms"]}


async def load(base: str, seconds: float, connections: int, *,
               carts: list[Customer] | None = None) -> dict[str, Any]:
    if shutil.which("wrk"):
        script = None
        if carts is not None:
            script = WRK_SCRIPT % {"carts": ",".join(f'"{c.cart_id}"' for c in carts), "body": ADD_BODY,
                                   "auths": ",".join(f'"{c.headers["Authorization"]}"' for c in carts)}
            return await asyncio.to_thread(wrk, base, seconds, connections, script)
        return await asyncio.to_thread(wrk, base + "/api/catalog/products", seconds, connections)
    if carts is not None:
        return await _httpx_loop(base, seconds, connections, "POST", carts, ADD_BODY)
    return await _httpx_loop(base, seconds, connections, "GET", None, None)


@contextmanager
def minimal_gateway(bodies: dict[str, str], state: Path) -> Iterator[str]:
    """The minimal app on its own port, and a gateway (same template, same script, same limits) whose
    every service upstream is that app."""
    state.mkdir(parents=True, exist_ok=True)
    (state / "bodies.json").write_text(json.dumps(bodies))
    app_port, gw_port = free_port(), free_port()
    env = {**os.environ, "BENCH_MINIMAL_BODIES": str(state / "bodies.json"), "GATEWAY_STATE_DIR": str(state / "nginx"),
           "GATEWAY_PORT": str(gw_port), "GATEWAY_RATE": UNLIMITED_RATE, "GATEWAY_BURST": UNLIMITED_BURST}
    for svc in ("CATALOG", "PRICING", "CART", "CONTENT"):
        env[f"{svc}_PORT"], env[f"{svc}_PORTS"], env[f"{svc}_REPLICAS"] = str(app_port), str(app_port), "1"
    log = (state / "minimal.log").open("w")
    app = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "minimal_app:create_app", "--app-dir",
                            str(ROOT / "bench"), "--host", "127.0.0.1", "--port", str(app_port), "--no-access-log"],
                           cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{app_port}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if app.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the minimal app did not start: {(state / 'minimal.log').read_text()[-1500:]}")
            time.sleep(0.2)
        subprocess.run(["bash", "deploy/local/gateway.sh", "start"], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=120)
        try:
            yield f"http://127.0.0.1:{gw_port}"
        finally:
            subprocess.run(["bash", "deploy/local/gateway.sh", "stop"], cwd=ROOT, env=env, capture_output=True,
                           timeout=120)
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
        log.close()


@contextmanager
def unlimited(stack: Any) -> Iterator[None]:
    """The stack's gateway re-rendered with the per-address rate limit out of reach (gateway.sh reloads
    nginx when the rendered config changes), as the minimal endpoint's gateway is, then put back."""
    def render(rate: str, burst: str) -> None:
        env = {**stack.env, "GATEWAY_RATE": rate, "GATEWAY_BURST": burst}
        subprocess.run(["bash", "deploy/local/gateway.sh", "start"], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=120)
        time.sleep(1.0)  # (old workers finish gracefully)

    render(UNLIMITED_RATE, UNLIMITED_BURST)
    try:
        yield
    finally:
        render(stack.env.get("GATEWAY_RATE", "2000r/s"), stack.env.get("GATEWAY_BURST", "2000"))


async def run_http(stack: Any, seconds: float, connections: int, carts_n: int,
                   on_load: dict[str, Callable[[], None]] | None = None) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        products = (await _request(gw, "GET", "/api/catalog/products")).text
        # One customer per cart: a signed-in customer has one open cart (POST /carts answers it again).
        carts = await make_customers(gw, carts_n, f"http-{uuid.uuid4().hex[:6]}")
        cart = (await _request(gw, "GET", f"/api/cart/carts/{carts[0].cart_id}", headers=carts[0].headers)).text
    out: dict[str, Any] = {"seconds": seconds, "connections": connections,
                           "gateway_rate_limit": f"{UNLIMITED_RATE}, burst {UNLIMITED_BURST} on both gateways"}
    hooks = on_load or {}
    with unlimited(stack):
        out["catalog_list"] = await load(stack.gateway, seconds, connections)
        out["cart_add"] = await load(stack.gateway, seconds, connections, carts=carts)
        # Profiles in runs of their own (a profiler slows what it samples).
        if "catalog_list" in hooks:
            hooks["catalog_list"]()
            out["catalog_list_profiled"] = await load(stack.gateway, seconds, connections)
        if "cart_add" in hooks:
            hooks["cart_add"]()
            out["cart_add_profiled"] = await load(stack.gateway, seconds, connections, carts=carts)
    with minimal_gateway({"products": products, "cart": cart}, stack.state_dir / "bench-minimal") as minimal:
        out["minimal_list"] = await load(minimal, seconds, connections)
        out["minimal_add"] = await load(minimal, seconds, connections, carts=carts)
    out["ratios"] = {
        "catalog_list_vs_minimal_rate": ratio(out["catalog_list"]["ok_per_s"], out["minimal_list"]["ok_per_s"]),
        "cart_add_vs_minimal_rate": ratio(out["cart_add"]["ok_per_s"], out["minimal_add"]["ok_per_s"]),
    }
    return out
