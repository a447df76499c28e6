"""The catalog's events decide what is for sale: a priced SKU of an active product is; an archived
product's SKUs are not, and reports about them are rejected."""

from __future__ import annotations

from clinic_shared.events.catalog import ProductUpdated, SkuSnapshot
from clinic_shared.testing.plugin import eventually

from .world import OPS, World, customer


async def _off_sale(world: World, sku: str) -> bool:
    return not await world.for_sale(sku)


async def test_an_archived_product_takes_its_skus_off_sale_and_reports_about_them_are_rejected(world: World) -> None:
    product_id = await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.competitor()
    _, me = customer()

    await world.archive(product_id, "TROCHE-30D-100")
    await eventually(lambda: _off_sale(world, "TROCHE-30D-100"))

    report = await world.report(me)
    assert report["status"] == "rejected"
    assert report["codes"] == ["sku_not_for_sale"]
    assert report["reasons"] == ["TROCHE-30D-100 is not currently for sale, so there is no price to match."]
    price = (await world.client.get("/prices/TROCHE-30D-100")).json()
    assert (price["unit_price"], price["for_sale"]) == (19900, False)  # the price stays, off sale


async def test_a_priced_sku_the_catalog_never_published_is_not_for_sale(world: World) -> None:
    await world.client.put("/prices/KETAMINE-IV-1", json={"unit_price": 45000, "currency": "USD"}, headers=OPS)
    await world.competitor()
    _, me = customer()

    report = await world.report(me, sku="KETAMINE-IV-1", competitor_price=40000)

    assert report["codes"] == ["sku_not_for_sale"]
    assert (await world.client.get("/prices/KETAMINE-IV-1")).json()["for_sale"] is False


async def test_a_sku_dropped_from_a_product_goes_off_sale_and_an_older_update_changes_nothing(world: World) -> None:
    product_id = await world.sku_for_sale("TROCHE-30D-100", 19900)
    await world.client.put("/prices/TROCHE-30D-200", json={"unit_price": 29900, "currency": "USD"}, headers=OPS)

    def updated(version: int, skus: list[str]) -> ProductUpdated:
        return ProductUpdated(
            product_id=product_id, slug="troches", name="Troches", category="troche", route="sublingual",
            conditions=[], regions=["TX"], requires_evaluation=False, status="active",
            skus=[SkuSnapshot(sku=s, label=s) for s in skus], version=version,
        )

    await world.produce(updated(3, ["TROCHE-30D-200"]))
    await world.produce(updated(2, ["TROCHE-30D-100", "TROCHE-30D-200"]))  # late and older: ignored
    await world.sku_for_sale("THERAPY-50", 15000)  # a later event on the same partition: the others are done

    assert await world.for_sale("TROCHE-30D-200")
    assert not await world.for_sale("TROCHE-30D-100")
