"""schemathesis against pricing's own OpenAPI: no server error, no undocumented status code."""

from __future__ import annotations

from clinic_shared.testing.fuzz import fuzz_api
from clinic_shared.testing.plugin import auth_headers
from clinic_shared.testing.serving import serve_in_thread
from pricing.bootstrap import create_app
from pricing.settings import PricingSettings


def test_fuzzing_every_operation_finds_no_server_error_and_no_undocumented_status(
    pricing_settings: PricingSettings,
) -> None:
    with serve_in_thread(create_app(pricing_settings)) as base_url:
        # ops and customer at once: every route is reachable, so its validation and its handler are fuzzed
        failures = fuzz_api(base_url, headers=auth_headers("fuzzer", "ops", "customer"), max_examples=30)
    assert failures == []
