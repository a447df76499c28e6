"""The harness's workload, through the gateway: products and prices (editor, ops), price-match reports
(customers), ops approvals of escalated ones, carts and checkouts paid on localstripe (signed
webhooks), comments. Every write is retried through faults (5xx, refused connections) with an
idempotency key or a natural key, and what was acknowledged (2xx) is recorded for the checker."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import stripe

from clinic_shared.testing.plugin import auth_headers

from ..e2e.stack import Stack

EDITOR, OPS = auth_headers("chaos-editor", "editor"), auth_headers("chaos-ops", "ops")
DISCOUNTED_SKU, EVALUATION_SKU = "TROCHE-30D-100", "EVAL-INITIAL"


@dataclass
class Acks:
    products: set[str] = field(default_factory=set)
    price_versions: set[str] = field(default_factory=set)
    reports: set[str] = field(default_factory=set)
    review: set[str] = field(default_factory=set)
    orders: set[str] = field(default_factory=set)
    paid_orders: set[str] = field(default_factory=set)
    comments: set[str] = field(default_factory=set)
    statuses: Counter[str] = field(default_factory=Counter)  # HTTP status classes seen by the workload
    gave_up: list[str] = field(default_factory=list)  # operations that never got an answer


class Workload:
    def __init__(self, stack: Stack, *, tag: str, pause: float = 0.2, timeout: float = 60.0) -> None:
        self.stack, self.tag, self.pause, self.timeout = stack, tag, pause, timeout
        self.acks = Acks()
        self.stop = threading.Event()
        self.iterations = 0
        self._lock = threading.Lock()
        self.api = httpx.Client(base_url=stack.gateway, timeout=15)
        found = self.api.get("/api/content/articles", params={"q": "troches"}).json()
        self.article = found["items"][0]["slug"]  # the demo article, commented on
        self.stripe = stripe.StripeClient(
            "sk_test_e2e", base_addresses={"api": stack.env["STRIPE_API_BASE"]},
            http_client=stripe.HTTPXClient(allow_sync_methods=True), max_network_retries=0)

    # -- one call, retried through faults ------------------------------------------------------------
    def call(self, what: str, send: Callable[[], httpx.Response], ok: tuple[int, ...] = (200, 201, 202)) -> Any:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                answer = send()
                self.acks.statuses[f"{answer.status_code // 100}xx"] += 1
                if answer.status_code == 500:
                    self.acks.statuses["500"] += 1
                if answer.status_code in ok:
                    return answer.json() if answer.content else {}
                if answer.status_code < 500 and answer.status_code not in (404, 409, 429):
                    self.acks.gave_up.append(f"{what}: {answer.status_code} {answer.text[:200]}")
                    return None
            except httpx.TransportError:
                self.acks.statuses["transport"] += 1
            if time.monotonic() > deadline:
                self.acks.gave_up.append(f"{what}: no answer within {self.timeout}s")
                return None
            time.sleep(0.3)

    def eventually(self, check: Callable[[], bool], timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if check():
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        return False

    # -- the operations ------------------------------------------------------------------------------
    def product_with_prices(self, i: int) -> None:
        slug, sku = f"chaos-{self.tag}-{i}", f"CHAOS-{self.tag.upper()}-{i}"
        body = {"slug": slug, "name": f"Chaos {i}", "category": "therapy", "regions": ["CA"], "status": "active",
                "skus": [{"sku": sku, "label": "one"}]}
        made = self.call(f"product {i}", lambda: self.api.post("/api/catalog/products", json=body, headers=EDITOR),
                         ok=(201, 409))
        got = self.call(f"read product {i}", lambda: self.api.get(f"/api/catalog/products/{slug}"))
        if made is not None and got:
            self.acks.products.add(got["id"])
        for price in (1000 + i, 2000 + i):
            out = self.call(f"price {sku}", lambda p=price: self.api.put(
                f"/api/pricing/prices/{sku}", json={"unit_price": p, "currency": "USD"}, headers=OPS))
            if out:
                self.acks.price_versions.add(f"{sku}@{out['version']}")

    def report(self, me: dict[str, str], i: int, *, lowball: bool) -> str | None:
        # Below half our price goes to review (the policy's implausible floor); ops decide those.
        price = 9000 if lowball else 17900
        body = {"sku": DISCOUNTED_SKU, "competitor_name": "MindBridge Clinic",
                "competitor_url": "https://mindbridge-clinic.example/ketamine-troches", "competitor_price": price,
                "currency": "USD", "region": "CA", "observed_at": datetime.now(UTC).isoformat(),
                "proof_url": "https://mindbridge-clinic.example/ketamine-troches#price",
                # The competitor's product, checked against our SKU's variant (same strength and supply).
                "competitor_product": "Ketamine troches", "competitor_strength": "100 mg", "competitor_quantity": 30}
        key = f"chaos-{self.tag}-report-{i}"
        out = self.call(f"report {i}", lambda: self.api.post(
            "/api/pricing/price-match/reports", json=body, headers={**me, "Idempotency-Key": key}), ok=(202,))
        if out:
            self.acks.reports.add(out["id"])
            if out["status"] == "needs_review":
                self.acks.review.add(out["id"])
            return str(out["id"])
        return None

    def buy(self, me: dict[str, str], sku: str, what: str) -> None:
        cart = self.call(f"{what}: cart", lambda: self.api.post("/api/cart/carts", headers=me), ok=(201,))
        if not cart:
            return
        cart_id = cart["id"]
        added = self.call(f"{what}: add", lambda: self.api.post(
            f"/api/cart/carts/{cart_id}/items", json={"sku": sku, "quantity": 1}, headers=me), ok=(201, 409))
        if added is None:
            return
        checkout = self.call(f"{what}: checkout", lambda: self.api.post(
            f"/api/cart/carts/{cart_id}/checkout", json={"region": "CA"}, headers=me), ok=(200, 201))  # 200: a retry
        if not checkout:
            return
        order_id = checkout["order_id"]
        self.acks.orders.add(order_id)
        try:
            method = self.stripe.v1.payment_methods.create(
                {"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034,
                                          "cvc": "123"}})
            self.stripe.v1.payment_intents.update(checkout["payment_intent_id"], {"payment_method": method.id})
            self.stripe.v1.payment_intents.confirm(checkout["payment_intent_id"])
        except stripe.StripeError as exc:
            self.acks.gave_up.append(f"{what}: paying failed: {type(exc).__name__}")
            return

        def paid() -> bool:
            answer = self.api.get(f"/api/cart/orders/{order_id}", headers=me)
            return answer.status_code == 200 and answer.json()["status"] == "paid"
        if self.eventually(paid):
            self.acks.paid_orders.add(order_id)

    def comment(self, i: int) -> None:
        body = {"author_name": f"Chaos {i}", "email": f"chaos{i}@example.com",
                "body": f"Thank you for the clear article, number {i}."}
        out = self.call(f"comment {i}", lambda: self.api.post(
            f"/api/content/articles/{self.article}/comments", json=body), ok=(201, 202))
        if out and out.get("status") != "rejected":
            self.acks.comments.add(out["id"])

    def iteration(self, i: int) -> None:
        me = auth_headers(f"chaos-{self.tag}-customer-{i}", "customer")
        self.product_with_prices(i)
        self.report(me, i, lowball=i % 3 == 2)
        if i % 2 == 0:
            self.buy(me, EVALUATION_SKU, f"order {i}")
        if i % 4 == 0:
            self.buy(me, DISCOUNTED_SKU, f"discounted order {i}")  # redeems the discount granted above
        if i % 2 == 1:
            self.comment(i)

    def run(self) -> None:
        """Iterations until `stop` is set (the one under way is finished)."""
        i = 0
        while not self.stop.is_set():
            self.iteration(i)
            i += 1
            self.iterations = i
            time.sleep(self.pause)

    def approve_reviews(self) -> None:
        """Ops decide every escalated report (the review queue)."""
        for report_id in sorted(self.acks.review):
            self.call(f"approve {report_id}", lambda r=report_id: self.api.post(
                f"/api/pricing/price-match/reports/{r}/approve", json={"reason": "Checked the proof by phone."},
                headers=OPS), ok=(200, 409))


def new_tag() -> str:
    return uuid.uuid4().hex[:6]
