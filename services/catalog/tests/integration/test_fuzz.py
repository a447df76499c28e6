"""schemathesis against the catalog's own OpenAPI: no server error, no undocumented status code."""

from __future__ import annotations

from catalog.bootstrap import create_app
from catalog.settings import CatalogSettings
from clinic_shared.testing.fuzz import fuzz_api
from clinic_shared.testing.plugin import auth_headers
from clinic_shared.testing.serving import serve_in_thread


def test_fuzzing_every_operation_finds_no_server_error_and_no_undocumented_status(
    catalog_settings: CatalogSettings,
) -> None:
    with serve_in_thread(create_app(catalog_settings)) as base_url:
        failures = fuzz_api(base_url, headers=auth_headers("fuzzer", "editor"), max_examples=30)
    assert failures == []
