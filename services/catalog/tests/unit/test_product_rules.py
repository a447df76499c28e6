"""The catalog's own rules on a product, without any database."""

from __future__ import annotations

import pytest

from catalog.domain.product import Product, ProductInvalid, Sku
from catalog.domain.vocabulary import Category, Condition, Route, Status
from catalog.entrypoints.http.schemas import ProductIn


def _product(**changes: object) -> Product:
    fields: dict[str, object] = dict(
        id="p1", slug="troches", name="Troches", description="", category=Category.troche, route=Route.sublingual,
        conditions=[Condition.depression], regions=["CA"], requires_evaluation=True, status=Status.active,
        skus=[Sku("TROCHE-1", "30 days")],
    )
    fields.update(changes)
    return Product(**fields)  # type: ignore[arg-type]


def test_a_product_without_skus_is_refused_with_a_reason() -> None:
    with pytest.raises(ProductInvalid, match="at least one SKU"):
        _product(skus=[]).check()


def test_a_sku_listed_twice_in_one_product_is_refused() -> None:
    with pytest.raises(ProductInvalid, match="TROCHE-1 appears twice"):
        _product(skus=[Sku("TROCHE-1", "a"), Sku("TROCHE-1", "b")]).check()


def test_an_unknown_state_code_is_refused_by_name() -> None:
    with pytest.raises(ProductInvalid, match="XX"):
        _product(regions=["CA", "XX"]).check()


def test_a_valid_product_passes_and_is_for_sale_only_when_active() -> None:
    _product().check()
    assert _product().for_sale
    assert not _product(status=Status.draft).for_sale


def test_the_api_shape_refuses_unknown_route_condition_state_and_duplicate_skus() -> None:
    base = {"slug": "x", "name": "X", "category": "troche", "regions": ["CA"],
            "skus": [{"sku": "X-1", "label": "x"}]}
    for bad, word in [({"route": "oral"}, "route"), ({"conditions": ["flu"]}, "conditions"),
                      ({"regions": ["ZZ"]}, "ZZ"), ({"skus": [{"sku": "X-1", "label": "a"}, {"sku": "X-1", "label": "b"}]},
                                                    "duplicate SKU"), ({"skus": []}, "skus")]:
        with pytest.raises(ValueError, match=word):
            ProductIn.model_validate(base | bad)
