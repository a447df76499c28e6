"""The eligible-competitor list ops manage: add, change, remove; marketplaces and coupon sites stay ineligible."""

from __future__ import annotations

import httpx

from .world import OPS, World, customer


async def test_ops_add_change_and_remove_competitors_and_removed_ones_are_no_longer_eligible(world: World) -> None:
    client = world.client
    await world.sku_for_sale("TROCHE-30D-100", 19900)
    clinic = await world.competitor(domain="WWW.MindBridge-Clinic.example")
    market = await world.competitor(name="MedBazaar", domain="medbazaar.example", kind="marketplace")
    assert clinic["domain"] == "mindbridge-clinic.example"
    assert (clinic["eligible"], market["eligible"]) == (True, False)

    patched = await client.patch(f"/competitors/{clinic['id']}", json={"licensed_regions": ["WA", "TX", "TX"]},
                                 headers=OPS)
    assert patched.status_code == 200
    assert patched.json()["licensed_regions"] == ["TX", "WA"]
    assert (await client.delete(f"/competitors/{clinic['id']}", headers=OPS)).status_code == 204

    listed = (await client.get("/competitors", headers=OPS)).json()
    assert [(c["name"], c["active"]) for c in listed["items"]] == [("MedBazaar", True), ("MindBridge Clinic", False)]
    assert (await client.get("/competitors", params={"active": "true"}, headers=OPS)).json()["total"] == 1
    _, me = customer()
    report = await world.report(me)
    assert report["codes"] == ["competitor_inactive"]
    assert report["reasons"] == ["MindBridge Clinic is no longer on our list of eligible providers."]


async def test_competitor_input_is_checked_with_a_message(pricing: httpx.AsyncClient) -> None:
    ok = {"name": "Calm", "domain": "calm.example", "kind": "licensed_clinic", "licensed_regions": ["TX"]}
    assert (await pricing.post("/competitors", json=ok, headers=OPS)).status_code == 201
    duplicate = await pricing.post("/competitors", json=ok | {"name": "Calm again"}, headers=OPS)
    assert duplicate.status_code == 409
    assert duplicate.json()["detail"] == "A competitor with the domain calm.example is already listed."
    for bad, where in [
        (ok | {"domain": "https://calm.example/x"}, "domain"),
        (ok | {"kind": "pharmacy"}, "kind"),
        (ok | {"licensed_regions": ["XX"]}, "licensed_regions"),
        (ok | {"name": ""}, "name"),
    ]:
        response = await pricing.post("/competitors", json=bad, headers=OPS)
        assert response.status_code == 422, bad
        assert response.json()["detail"].startswith(where)
    missing = "00000000-0000-0000-0000-000000000000"
    assert (await pricing.patch(f"/competitors/{missing}", json={"active": True}, headers=OPS)).status_code == 404
    assert (await pricing.delete("/competitors/not-a-uuid", headers=OPS)).status_code == 422
    _, me = customer()
    assert (await pricing.get("/competitors", headers=me)).status_code == 403
