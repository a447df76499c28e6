"""The journey, end to end through the nginx gateway with every service its own process, on real
Kafka, PostgreSQL and localstripe (signed webhooks): browse → read the ketamine article → comment →
buy and pay the initial evaluation → add a troche plan → report a lower price → see 20% off in the
cart → check out → Stripe webhook → order paid → discount redeemed."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import stripe

from clinic_shared.testing.plugin import auth_headers

from .stack import Stack

pytestmark = pytest.mark.e2e


def eventually(check: Callable[[], Any], what: str, stack: Stack, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.25)
    raise AssertionError(f"{what}: not within {timeout}s; last: {last!r}\n{stack.logs()}")


def pay(stack: Stack, payment_intent_id: str) -> None:
    """What the storefront does with the client secret: attach a test card and confirm."""
    client = stripe.StripeClient("sk_test_e2e", base_addresses={"api": stack.env["STRIPE_API_BASE"]},
                                 http_client=stripe.HTTPXClient(allow_sync_methods=True), max_network_retries=0)
    method = client.v1.payment_methods.create(
        {"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}})
    client.v1.payment_intents.update(payment_intent_id, {"payment_method": method.id})
    client.v1.payment_intents.confirm(payment_intent_id)


def checkout_and_pay(api: httpx.Client, stack: Stack, cart_id: str, me: dict[str, str]) -> dict[str, Any]:
    answer = api.post(f"/api/cart/carts/{cart_id}/checkout", json={"region": "CA"}, headers=me)
    assert answer.status_code == 201, answer.text
    checkout = answer.json()
    assert checkout["client_secret"]
    pay(stack, checkout["payment_intent_id"])
    eventually(lambda: api.get(f"/api/cart/orders/{checkout['order_id']}", headers=me).json()["status"] == "paid",
               "the Stripe webhook marks the order paid", stack)
    return checkout


def add_item(api: httpx.Client, stack: Stack, cart_id: str, sku: str, me: dict[str, str]) -> None:
    # The cart learns products and prices from events: the first add may come before they arrive.
    def added() -> bool:
        return api.post(f"/api/cart/carts/{cart_id}/items", json={"sku": sku, "quantity": 1}, headers=me).status_code == 201
    eventually(added, f"adding {sku} to the cart", stack)


def test_the_customer_journey_from_article_to_a_paid_order_with_the_price_match_discount(stack: Stack) -> None:
    me = auth_headers(f"journey-{uuid.uuid4().hex[:8]}", "customer")
    with httpx.Client(base_url=stack.gateway, timeout=30) as api:
        # Browse treatments.
        listing = api.get("/api/catalog/products", params={"condition": "depression", "route": "sublingual"}).json()
        assert [p["slug"] for p in listing["items"]] == ["ketamine-sublingual-troches"]
        troches = api.get("/api/catalog/products/ketamine-sublingual-troches").json()
        assert troches["requires_evaluation"] is True
        assert api.get("/api/pricing/prices/TROCHE-30D-100").json()["unit_price"] == 19900

        # Read the ketamine article; its related treatments carry their current price.
        found = api.get("/api/content/articles", params={"q": "troches"}).json()
        assert found["total"] == 1
        slug = found["items"][0]["slug"]
        article = api.get(f"/api/content/articles/{slug}").json()
        assert any("Administration" in s["title"] for s in article["sections"])

        def related_priced() -> bool:
            related = api.get(f"/api/content/articles/{slug}").json()["related_products"]
            return any(s.get("unit_price") == 19900 for p in related for s in p["skus"])
        eventually(related_priced, "the article shows the troches with their price", stack)

        # Leave a comment: a new commenter is held for moderation; the email is never shown.
        comment = api.post(f"/api/content/articles/{slug}/comments",
                           json={"author_name": "Sam", "email": "sam.journey@example.com",
                                 "body": "Thank you, this explained the troches clearly."})
        assert comment.status_code in (201, 202), comment.text
        assert "sam.journey@example.com" not in comment.text

        # Buy and pay the initial evaluation (the troches require it).
        cart_id = api.post("/api/cart/carts", headers=me).json()["id"]
        add_item(api, stack, cart_id, "EVAL-INITIAL", me)
        checkout_and_pay(api, stack, cart_id, me)

        # Add a troche plan to a new cart.
        cart_id = api.post("/api/cart/carts", headers=me).json()["id"]
        add_item(api, stack, cart_id, "TROCHE-30D-100", me)
        line = api.get(f"/api/cart/carts/{cart_id}", headers=me).json()["items"][0]
        assert (line["unit_price"], line["discount"]) == (19900, 0)

        # Report a lower price at a licensed clinic: approved at once, 20% off the lower price.
        report = api.post("/api/pricing/price-match/reports", headers=me, json={
            "sku": "TROCHE-30D-100", "competitor_name": "MindBridge Clinic",
            "competitor_url": "https://mindbridge-clinic.example/ketamine-troches", "competitor_price": 17900,
            "currency": "USD", "region": "CA", "observed_at": datetime.now(UTC).isoformat(),
            "proof_url": "https://mindbridge-clinic.example/ketamine-troches#price",
            "competitor_product": "Ketamine troches", "competitor_strength": "100 mg", "competitor_quantity": 30})
        assert report.status_code == 202, report.text
        assert report.json()["status"] == "approved", report.json()
        expected_final = 17900 - 3580  # 20% off 179.00, the lower of the two prices

        # See 20% off in the cart, within moments.
        def discounted() -> dict[str, Any] | None:
            cart = api.get(f"/api/cart/carts/{cart_id}", headers=me).json()
            return cart if cart["items"][0]["discount"] else None
        cart = eventually(discounted, "the discount shows in the cart", stack)
        line = cart["items"][0]
        assert line["unit_price_seen"] == 19900
        assert line["discount"] == 19900 - expected_final
        assert line["final_unit_price"] == expected_final
        assert cart["total"] == expected_final

        # Check out with Stripe; the webhook marks the order paid; the discount is redeemed.
        checkout = checkout_and_pay(api, stack, cart_id, me)
        assert checkout["amount"] == expected_final

        def redeemed() -> bool:
            items = api.get("/api/pricing/discounts", headers=me).json()["items"]
            return [d["status"] for d in items] == ["redeemed"]
        eventually(redeemed, "the discount is redeemed after the order is paid", stack)
