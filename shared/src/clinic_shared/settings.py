"""Settings every service shares; each service subclasses with its own env prefix.

`<SERVICE>_DATABASE_URL` comes from the subclass's prefix; the common variables
(`KAFKA_BOOTSTRAP_SERVERS`, `AUTH_JWT_SECRET`, ...) keep their plain names through aliases.
"""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"", "changethis", "change-me", "development-only-secret-change-me-in-production", "secret"}


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    environment: str = Field("development", validation_alias="ENVIRONMENT")
    database_url: str = "sqlite+aiosqlite:///var/service.db"
    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    # Prepended to every topic name: lets tests (and side-by-side stacks) share one broker safely.
    kafka_topic_prefix: str = Field("", validation_alias="KAFKA_TOPIC_PREFIX")
    kafka_topic_partitions: int = Field(3, validation_alias="KAFKA_TOPIC_PARTITIONS")
    auth_jwt_secret: str = Field("development-only-secret-change-me-in-production", validation_alias="AUTH_JWT_SECRET")
    log_level: str = Field("INFO", validation_alias="LOG_LEVEL")
    # Outbox relay: how often it looks for rows not yet confirmed (the happy path does not wait for it).
    outbox_poll_interval: float = Field(1.0, validation_alias="OUTBOX_POLL_INTERVAL")
    # Consumer policy: attempts before a message goes to the DLQ, and the first backoff.
    consumer_max_attempts: int = Field(4, validation_alias="CONSUMER_MAX_ATTEMPTS")
    consumer_backoff_seconds: float = Field(0.2, validation_alias="CONSUMER_BACKOFF_SECONDS")
    run_consumers: bool = Field(True, validation_alias="RUN_CONSUMERS")
    # Topics: 1 and 1 on a single local broker; production runs 3 and 2 (acks=all then means two
    # copies before an ack, and one broker can be lost without refusing writes).
    kafka_replication_factor: int = Field(1, validation_alias="KAFKA_REPLICATION_FACTOR")
    kafka_min_insync_replicas: int = Field(1, validation_alias="KAFKA_MIN_INSYNC_REPLICAS")
    # Static group membership: a stable id per replica lets a restarted replica take its partitions
    # back at once instead of waiting out the session timeout. Empty: derived (see messaging.kafka).
    service_instance_id: str = Field("", validation_alias="SERVICE_INSTANCE_ID")
    consumer_session_timeout_ms: int = Field(30000, validation_alias="CONSUMER_SESSION_TIMEOUT_MS")
    consumer_max_poll_records: int = Field(200, validation_alias="CONSUMER_MAX_POLL_RECORDS")
    # A consumer inside one batch for longer than this (not waiting out an outage) is reported stuck.
    consumer_stuck_seconds: float = Field(120.0, validation_alias="CONSUMER_STUCK_SECONDS")

    @model_validator(mode="after")
    def _no_placeholder_secret_outside_development(self) -> ServiceSettings:
        if self.environment not in {"development", "test"} and self.auth_jwt_secret in PLACEHOLDER_SECRETS:
            raise ValueError("AUTH_JWT_SECRET must be set to a real secret outside development")
        return self
