"""Settings every service shares; each service subclasses with its own env prefix.

`<SERVICE>_DATABASE_URL` comes from the subclass's prefix; the common variables
(`KAFKA_BOOTSTRAP_SERVERS`, `AUTH_JWT_SECRET`, ...) keep their plain names through aliases.

Production rules are the default: `ENVIRONMENT` is `production` unless a developer (`make up`) or the
tests choose `development` or `test` explicitly. Outside those, the placeholder secret is refused, and
so is a secret too short for HS256, unless tokens are checked against a JWKS (`AUTH_JWKS_URL`).
"""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from clinic_shared.auth import DEFAULT_AUDIENCE, DEFAULT_ISSUER

PLACEHOLDER_SECRETS = {"", "changethis", "change-me", "development-only-secret-change-me-in-production", "secret"}
DEVELOPMENT_ENVIRONMENTS = frozenset({"development", "test"})
MIN_SECRET_BYTES = 32  # RFC 7518 section 3.2: an HS256 key at least as long as the hash


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    environment: str = Field("production", validation_alias="ENVIRONMENT")
    database_url: str = "sqlite+aiosqlite:///var/service.db"
    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    # Prepended to every topic name: lets tests (and side-by-side stacks) share one broker safely.
    kafka_topic_prefix: str = Field("", validation_alias="KAFKA_TOPIC_PREFIX")
    kafka_topic_partitions: int = Field(3, validation_alias="KAFKA_TOPIC_PARTITIONS")
    auth_jwt_secret: str = Field("development-only-secret-change-me-in-production", validation_alias="AUTH_JWT_SECRET")
    auth_jwt_issuer: str = Field(DEFAULT_ISSUER, validation_alias="AUTH_JWT_ISSUER")
    auth_jwt_audience: str = Field(DEFAULT_AUDIENCE, validation_alias="AUTH_JWT_AUDIENCE")
    # Production: the identity provider's keys (asymmetric signatures only); empty: HS256 with the secret.
    auth_jwks_url: str = Field("", validation_alias="AUTH_JWKS_URL")
    log_level: str = Field("INFO", validation_alias="LOG_LEVEL")
    # Outbox relay: how often it looks for rows not yet confirmed (the happy path does not wait for it).
    outbox_poll_interval: float = Field(1.0, validation_alias="OUTBOX_POLL_INTERVAL")
    # Consumer policy: attempts before a message goes to the DLQ, and the first backoff.
    consumer_max_attempts: int = Field(4, validation_alias="CONSUMER_MAX_ATTEMPTS")
    consumer_backoff_seconds: float = Field(0.2, validation_alias="CONSUMER_BACKOFF_SECONDS")
    run_consumers: bool = Field(True, validation_alias="RUN_CONSUMERS")

    @model_validator(mode="after")
    def _no_placeholder_secret_outside_development(self) -> ServiceSettings:
        if self.environment in DEVELOPMENT_ENVIRONMENTS or self.auth_jwks_url:
            return self
        if self.auth_jwt_secret in PLACEHOLDER_SECRETS:
            raise ValueError("AUTH_JWT_SECRET must be set to a real secret outside development (ENVIRONMENT is "
                             f"{self.environment!r}), or AUTH_JWKS_URL to the identity provider's keys")
        if len(self.auth_jwt_secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"AUTH_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes outside development")
        return self

    @property
    def is_development(self) -> bool:
        return self.environment in DEVELOPMENT_ENVIRONMENTS
