"""Doubtful reports wait for ops: an implausibly low price (or a page off the competitor's site) is
escalated, shows in the review queue, and ops approve or reject it with a reason."""

from __future__ import annotations

from .world import OPS, PRICE_MATCH, World, customer


async def _escalated(world: World, me: dict[str, str], **fields: object) -> dict:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()
    report = await world.report(me, **({"competitor_price": 5000} | fields))
    assert report["status"] == "needs_review", report
    return report


async def test_an_implausibly_low_price_is_escalated_and_ops_approval_grants_the_discount(world: World) -> None:
    sub, me = customer()
    report = await _escalated(world, me)
    assert report["codes"] == ["implausibly_low"]
    assert report["decided_at"] is None and report["discount_id"] is None

    queue = (await world.client.get("/price-match/reports", params={"status": "needs_review"}, headers=OPS)).json()
    assert [r["id"] for r in queue["items"]] == [report["id"]]
    assert queue["items"][0]["customer_id"] == sub
    approve = f"/price-match/reports/{report['id']}/approve"
    assert (await world.client.post(approve, json={"reason": "I approve myself"}, headers=me)).status_code == 403

    response = await world.client.post(approve, json={"reason": "Checked the quote with the clinic."}, headers=OPS)

    assert response.status_code == 200, response.text
    approved = response.json()
    assert approved["status"] == "approved" and approved["discount_id"]
    assert approved["reasons"][-1] == "Checked the quote with the clinic."
    assert approved["codes"] == ["implausibly_low", "ops_approved"]
    assert [a["action"] for a in approved["audit"]] == ["received", "escalated", "approved", "discount_granted"]
    events = await world.events(PRICE_MATCH, expect=4)
    assert [t for t, _, _ in events] == [
        "price-match-requested", "price-match-escalated", "price-match-approved", "discount-granted",
    ]
    granted = events[-1][1]
    # 20% off the lower price (50.00): the customer pays 40.00 per unit.
    assert (granted["final_unit_price_at_grant"], granted["amount_off_at_grant"]) == (4000, 15900)
    assert events[2][1]["decided_by"] == "ops-ana"
    assert (await world.client.get("/price-match/reports", params={"status": "needs_review"},
                                   headers=OPS)).json()["total"] == 0

    again = await world.client.post(approve, json={"reason": "Clicked twice."}, headers=OPS)
    assert again.status_code == 200 and again.json()["discount_id"] == approved["discount_id"]
    reject = await world.client.post(f"/price-match/reports/{report['id']}/reject", json={"reason": "Changed my mind"},
                                     headers=OPS)
    assert reject.status_code == 409
    assert "ops decide only reports in review" in reject.json()["detail"]
    assert len(await world.events(PRICE_MATCH, expect=4)) == 4  # the retry published nothing


async def test_ops_reject_a_report_in_review_with_the_reason_the_customer_reads(world: World) -> None:
    sub, me = customer()
    report = await _escalated(world, me, competitor_url="https://elsewhere.example/troches")
    assert report["codes"] == ["implausibly_low", "url_off_competitor_domain"]
    reject = f"/price-match/reports/{report['id']}/reject"
    assert (await world.client.post(reject, json={"reason": "  "}, headers=OPS)).status_code == 422

    response = await world.client.post(reject, json={"reason": "The quote was for a different dose."}, headers=OPS)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "rejected"
    mine = (await world.client.get(f"/price-match/reports/{report['id']}", headers=me)).json()
    assert mine["reasons"][-1] == "The quote was for a different dose."
    events = await world.events(PRICE_MATCH, expect=3)
    assert [t for t, _, _ in events] == ["price-match-requested", "price-match-escalated", "price-match-rejected"]
    assert events[2][1]["decided_by"] == "ops-ana"
    assert events[2][1]["reasons"][-1] == "The quote was for a different dose."
    assert (await world.client.get("/discounts", headers=me)).json()["total"] == 0
    approve = await world.client.post(f"/price-match/reports/{report['id']}/approve", json={"reason": "oops"},
                                      headers=OPS)
    assert approve.status_code == 409


async def test_deciding_an_unknown_report_is_a_404_and_a_policy_decision_cannot_be_overridden(world: World) -> None:
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()
    _, me = customer()
    rejected = await world.report(me, competitor_price=25000)
    missing = "00000000-0000-0000-0000-000000000000"

    unknown = await world.client.post(f"/price-match/reports/{missing}/approve", json={"reason": "x"}, headers=OPS)
    override = await world.client.post(f"/price-match/reports/{rejected['id']}/approve", json={"reason": "x"},
                                       headers=OPS)

    assert unknown.status_code == 404
    assert override.status_code == 409
    assert override.json()["detail"] == "The report is rejected; ops decide only reports in review."
