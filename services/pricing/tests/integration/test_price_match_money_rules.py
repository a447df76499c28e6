"""Issue 10 through the service's doors: v2 grants with their money terms and region, the policy and the
eligible competitors in public, the customer's own views, roles and duties, and the review figures."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from clinic_shared.events.cart import OrderLine, OrderPaid
from clinic_shared.testing.plugin import auth_headers, eventually

from .world import OPS, PRICE_MATCH, World, customer


async def test_a_grant_is_published_as_v2_with_its_terms_region_and_unit_limit(world: World) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()
    sub, me = customer()
    report = await world.report(me, competitor_price=17900, region="CA")
    assert report["status"] == "approved", report

    events = await world.events(PRICE_MATCH, expect=3)
    granted = [(t, d) for t, d, _ in events if t == "discount-granted"]
    assert len(granted) == 1
    data = granted[0][1]
    assert (data["percent_off"], data["our_unit_price_at_grant"], data["competitor_unit_price"]) == (20, 19900, 17900)
    assert (data["amount_off_at_grant"], data["final_unit_price_at_grant"]) == (19900 - 14320, 14320)
    assert (data["region"], data["max_units"], data["customer_id"]) == ("CA", 1, sub)
    discount = (await world.client.get(f"/discounts/{report['discount_id']}", headers=me)).json()
    assert (discount["region"], discount["max_units"], discount["final_unit_price"]) == ("CA", 1, 14320)


async def test_the_discount_shows_todays_price_by_the_promise_and_the_order_that_used_it(world: World) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 30000)
    await world.competitor()
    sub, me = customer()
    report = await world.report(me, competitor_price=24000)
    assert report["status"] == "approved", report
    assert (await world.client.put("/prices/TROCHE-30D-100", json={"unit_price": 22000, "currency": "USD"},
                                   headers=OPS)).status_code == 200
    item = (await world.client.get("/discounts", headers=me)).json()["items"][0]
    assert (item["current_unit_price"], item["amount_off_now"], item["final_unit_price_now"]) == (22000, 4400, 17600)
    assert (item["final_unit_price"], item["order_id"]) == (19200, None)

    order_id = str(uuid.uuid4())
    line = OrderLine(sku="TROCHE-30D-100", quantity=1, unit_price=22000, discount_id=report["discount_id"],
                     discount_per_unit=4400, line_total=17600)
    await world.produce(OrderPaid(order_id=order_id, customer_id=sub, payment_intent_id="pi_1",
                                  placed_at=datetime.now(UTC), lines=[line], total=17600, currency="USD"))

    async def used() -> dict | None:
        d = (await world.client.get("/discounts", headers=me)).json()["items"][0]
        return d if d["status"] == "redeemed" else None

    assert (await eventually(used))["order_id"] == order_id


async def test_the_policy_and_the_eligible_competitors_are_public(world: World) -> None:
    clinic = await world.competitor()
    await world.competitor(name="MedBazaar", domain="medbazaar.example", kind="marketplace", licensed_regions=[])
    policy = (await world.client.get("/price-match/policy")).json()
    assert (policy["percent_off"], policy["per_unit_cap"], policy["max_units"]) == (20, None, 1)
    assert (policy["window_days"], policy["after_purchase_window_days"]) == (30, 14)
    eligible = (await world.client.get("/competitors/eligible")).json()
    assert eligible == {"items": [{"id": clinic["id"], "name": "MindBridge Clinic",
                                   "domain": "mindbridge-clinic.example"}], "total": 1}


async def test_my_reports_lists_only_mine_newest_first_with_reasons(world: World) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()
    _, me = customer()
    _, other = customer()
    first = await world.report(me, competitor_strength="200 mg")
    second = await world.report(me)
    await world.report(other)
    mine = (await world.client.get("/me/reports", headers=me)).json()
    assert [r["id"] for r in mine["items"]] == [second["id"], first["id"]]
    assert mine["items"][1]["status"] == "rejected"
    assert mine["items"][1]["codes"] == ["strength_mismatch"]
    assert "TROCHE-30D-100 is 100 mg" in mine["items"][1]["reasons"][0]


async def test_customer_endpoints_need_the_customer_role(world: World) -> None:
    editor = auth_headers(f"editor-{uuid.uuid4().hex[:6]}", "editor")
    for method, path in [("GET", "/me/reports"), ("GET", "/discounts"), ("GET", "/price-match/reports"),
                         ("POST", "/price-match/reports")]:
        response = await world.client.request(method, path, headers=editor, json=world.report_body())
        assert response.status_code == 403, (method, path, response.text)
        assert "customer" in response.json()["detail"]


async def test_no_one_decides_a_report_about_their_own_account_and_the_audit_names_who_decided(world: World) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()
    sub = f"ops-{uuid.uuid4().hex[:6]}"
    both = auth_headers(sub, "customer", "ops")  # an ops user who is also a customer
    report = await world.report(both, proof_url=None, quote_ref="upload-77")
    assert (report["status"], report["codes"]) == ("needs_review", ["quote_only"])
    for verb in ("approve", "reject"):
        response = await world.client.post(f"/price-match/reports/{report['id']}/{verb}",
                                           json={"reason": "mine, fine"}, headers=both)
        assert response.status_code == 403, response.text
        assert "your own account" in response.json()["detail"]
    decided = await world.client.post(f"/price-match/reports/{report['id']}/reject",
                                      json={"reason": "The quote could not be confirmed."}, headers=OPS)
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert body["decided_by"] == "ops-ana"
    assert [(a["action"], a["actor"]) for a in body["audit"]][-1] == ("rejected", "ops-ana")


async def test_the_review_figures_show_the_backlog_and_the_oldest_wait(world: World) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()
    _, me = customer()
    waiting = await world.report(me, proof_url="https://imgshare.example/shot.png")
    assert (waiting["status"], waiting["codes"]) == ("needs_review", ["proof_off_competitor_site"])
    _, me2 = customer()
    decided = await world.report(me2, competitor_price=5000)
    assert (await world.client.post(f"/price-match/reports/{decided['id']}/approve", json={"reason": "checked"},
                                    headers=OPS)).status_code == 200
    assert (await world.client.get("/ops/price-match/figures", headers=me)).status_code == 403
    figures = (await world.client.get("/ops/price-match/figures", headers=OPS)).json()
    assert figures["review_backlog"] == 1
    assert figures["oldest_wait_seconds"] is not None and figures["oldest_wait_seconds"] >= 0
    assert figures["decided_by_ops_last_30_days"] == 1
    assert figures["decision_seconds_p50"] is not None
    metrics = (await world.client.get("/metrics")).text
    assert "clinic_price_match_review_backlog 1.0" in metrics
    assert 'clinic_price_match_review_wait_seconds_count{outcome="approved"}' in metrics
