"""The nginx gateway itself, run by deploy/local/gateway.sh (the real nginx, our config) in front of
a small recording upstream: CORS for every header the API uses, metrics never public, the
Content-Security-Policy and the storefront's run-time settings."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
API_HEADERS = ("X-Cart-Token", "Idempotency-Key", "If-Match", "Authorization", "Content-Type", "X-Request-ID")


class Recorder(BaseHTTPRequestHandler):
    seen: list[str] = []

    def _answer(self) -> None:
        Recorder.seen.append(self.path)
        body = b"clinic_outbox_backlog 0\n" if "metrics" in self.path else b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _gateway(state: Path, upstream: int, **extra: str) -> tuple[str, dict[str, str]]:
    port = _free_port()
    env = {**os.environ, "GATEWAY_STATE_DIR": str(state), "GATEWAY_PORT": str(port), **extra}
    for svc in ("CATALOG", "PRICING", "CART", "CONTENT"):
        env[f"{svc}_PORT"] = str(upstream)
    proc = subprocess.run(["bash", "deploy/local/gateway.sh", "start"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return f"http://127.0.0.1:{port}", env


@pytest.fixture(scope="module")
def upstream() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture(scope="module")
def gateway(upstream: int) -> Iterator[str]:
    state = ROOT / "var" / f"gw-test-{uuid.uuid4().hex[:8]}"
    url, env = _gateway(state, upstream, STRIPE_API_BASE="https://api.stripe.com")
    yield url
    subprocess.run(["bash", "deploy/local/gateway.sh", "stop"], cwd=ROOT, env=env, capture_output=True, timeout=60)


def test_a_cors_preflight_allows_every_header_the_api_uses(gateway: str) -> None:
    answer = httpx.options(f"{gateway}/api/cart/carts/c1/items", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": ",".join(h.lower() for h in API_HEADERS)})
    assert answer.status_code == 204
    allowed = {h.strip().lower() for h in answer.headers["access-control-allow-headers"].split(",")}
    assert {h.lower() for h in API_HEADERS} <= allowed, allowed
    assert "PATCH" in answer.headers["access-control-allow-methods"]


@pytest.mark.parametrize("path", ["/api/catalog/metrics", "/api/cart/metrics", "/api/pricing//metrics",
                                  "/api/content/%6detrics", "/api/cart/metrics?format=text", "/api/cart/metrics/"])
def test_metrics_are_not_served_through_the_gateway(gateway: str, path: str) -> None:
    Recorder.seen.clear()
    answer = httpx.get(f"{gateway}{path}")
    assert answer.status_code == 404, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "clinic_outbox_backlog" not in answer.text
    assert Recorder.seen == [], "the request must not reach the service"
    # The routes beside it still go through.
    assert httpx.get(f"{gateway}/api/cart/healthz").status_code == 200
    assert Recorder.seen == ["/healthz"]


def test_every_answer_carries_a_strict_content_security_policy(gateway: str) -> None:
    for path in ("/", "/api/catalog/products", "/api/nowhere/x", "/config.json"):
        csp = httpx.get(f"{gateway}{path}").headers["content-security-policy"]
        directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
        assert directives["default-src"] == ["'none'"]
        for name in ("script-src", "style-src", "connect-src", "img-src"):
            assert "'unsafe-inline'" not in directives[name] and "'unsafe-eval'" not in directives[name]
            assert directives[name][0] == "'self'", (name, directives[name])
        assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]


def test_with_the_real_stripe_api_there_is_no_local_payment_route(gateway: str) -> None:
    assert json.loads(httpx.get(f"{gateway}/config.json").text) == {"payments": {"mode": "stripe"}}
    assert httpx.get(f"{gateway}/stripe-dev/v1/payment_intents").status_code == 404


def test_with_localstripe_the_storefront_pays_through_the_gateway(upstream: int) -> None:
    state = ROOT / "var" / f"gw-test-{uuid.uuid4().hex[:8]}"
    url, env = _gateway(state, upstream, STRIPE_API_BASE=f"http://127.0.0.1:{upstream}")
    try:
        config = httpx.get(f"{url}/config.json").json()
        assert config["payments"]["mode"] == "localstripe" and config["payments"]["api"] == "/stripe-dev"
        Recorder.seen.clear()
        assert httpx.get(f"{url}/stripe-dev/v1/payment_intents/pi_1").status_code == 200
        assert Recorder.seen == ["/v1/payment_intents/pi_1"]
    finally:
        subprocess.run(["bash", "deploy/local/gateway.sh", "stop"], cwd=ROOT, env=env, capture_output=True, timeout=60)
