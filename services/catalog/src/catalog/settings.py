from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from clinic_shared.settings import ServiceSettings


class CatalogSettings(ServiceSettings):
    """CATALOG_DATABASE_URL and the shared variables (KAFKA_BOOTSTRAP_SERVERS, AUTH_JWT_SECRET, ...)."""

    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore", populate_by_name=True)

    database_url: str = "sqlite+aiosqlite:///var/data/catalog.db"
    # CATALOG_LIST_CACHE_BYTES: the public list's answers kept in memory, checked against the database
    # on every request (service_layer/list_cache.py); 0 turns the cache off.
    list_cache_bytes: int = Field(8_000_000, ge=0)
