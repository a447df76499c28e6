"""schemathesis against the cart's own OpenAPI: no server error, no undocumented status code."""

from __future__ import annotations

from cart.bootstrap import create_app
from cart.settings import CartSettings
from clinic_shared.testing.fuzz import fuzz_api
from clinic_shared.testing.plugin import auth_headers
from clinic_shared.testing.serving import serve_in_thread


def test_fuzzing_every_operation_finds_no_server_error_and_no_undocumented_status(
    cart_settings: CartSettings,
) -> None:
    with serve_in_thread(create_app(cart_settings)) as base_url:
        failures = fuzz_api(base_url, headers=auth_headers("fuzzer", "customer"), max_examples=30)
    assert failures == []


def test_fuzzing_without_credentials_finds_no_server_error_and_no_undocumented_status(
    cart_settings: CartSettings,
) -> None:
    with serve_in_thread(create_app(cart_settings)) as base_url:
        failures = fuzz_api(base_url, max_examples=15)
    assert failures == []
