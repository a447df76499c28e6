"""Odd bytes in paths and queries are a 4xx, never a 500 (PostgreSQL refuses NUL in text)."""

from __future__ import annotations

import httpx


async def test_nul_and_control_characters_in_the_slug_or_query_are_not_found_or_refused(catalog: httpx.AsyncClient) -> None:
    for path in ("/products/%00", "/products/a%00b", "/products/%C0%80"):
        response = await catalog.get(path)
        assert response.status_code in (404, 422), (path, response.status_code, response.text)
    for q in ("\x00", "a\x00b"):
        response = await catalog.get("/products", params={"q": q})
        assert response.status_code in (200, 422), (q, response.status_code, response.text)
    response = await catalog.patch("/products/%00", json={"name": "x"},
                                   headers={"Authorization": "Bearer x"})
    assert response.status_code == 401


async def test_nul_in_a_text_field_of_a_body_is_a_422_not_a_500(catalog: httpx.AsyncClient) -> None:
    from clinic_shared.testing.plugin import auth_headers

    body = {"slug": "nul-name", "name": "Troches\x00", "category": "troche", "regions": ["CA"],
            "skus": [{"sku": "NUL-1", "label": "x"}]}
    response = await catalog.post("/products", json=body, headers=auth_headers("e", "editor"))
    assert response.status_code == 422, response.text
    assert "cannot be stored" in response.json()["detail"]
