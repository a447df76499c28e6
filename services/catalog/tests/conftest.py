from __future__ import annotations

from pathlib import Path

from catalog.bootstrap import create_app
from catalog.settings import CatalogSettings
from clinic_shared.testing.harness import service_client

SERVICE_DIR = Path(__file__).resolve().parents[1]

catalog_settings, catalog = service_client("catalog", CatalogSettings, create_app, SERVICE_DIR)
