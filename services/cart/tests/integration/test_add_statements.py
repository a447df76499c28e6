"""The cart add's round trips on real PostgreSQL: the statements one POST /carts/{id}/items runs, counted on the
service's own engine, stay few and do not grow with the lines the cart holds or the discounts the customer has."""

from __future__ import annotations

from clinic_shared.testing.plugin import auth_headers
from clinic_shared.testing.statements import statements


async def _add(shop, cart_id: str, customer: str, sku: str) -> tuple[list[str], dict]:  # type: ignore[no-untyped-def]
    with statements(shop.runtime.engine) as seen:
        r = await shop.client.post(f"/carts/{cart_id}/items", json={"sku": sku, "quantity": 1},
                                   headers=auth_headers(customer, "customer"))
    assert r.status_code == 201, r.text
    return list(seen), r.json()


async def test_an_add_runs_a_fixed_small_number_of_statements_whatever_the_cart_holds(shop) -> None:
    for n in range(5):
        await shop.product(f"SKU-{n}", price=10000 + n)
    small = await shop.customer_cart("c-small", ("SKU-0", 1))
    big = await shop.customer_cart("c-big", ("SKU-0", 1), ("SKU-1", 2), ("SKU-2", 3))
    await shop.grant("c-big", "SKU-1", ours=10001, theirs=9000)
    await shop.grant("c-big", "SKU-4", ours=10004, theirs=9000)

    one, after_small = await _add(shop, small["id"], "c-small", "SKU-4")
    four, after_big = await _add(shop, big["id"], "c-big", "SKU-4")
    assert [(i["sku"], i["quantity"]) for i in after_small["items"]] == [("SKU-0", 1), ("SKU-4", 1)]
    assert [(i["sku"], i["quantity"]) for i in after_big["items"]] == [("SKU-0", 1), ("SKU-1", 2), ("SKU-2", 3),
                                                                      ("SKU-4", 1)]
    assert len(four) == len(one), (one, four)
    # The cart with its lines (locked), the SKU's product and price, the cart's UPDATE, its lines' DELETE and
    # INSERT, then for the answer the lines' products and prices, and the customer's discounts.
    assert len(four) <= 7, four
