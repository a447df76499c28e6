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

from clinic_shared.principal import DEFAULT_AUDIENCE, DEFAULT_ISSUER

# The retention of the event topics (Kafka's default, 7 days, which the platform keeps); DLQs keep forever.
TOPIC_RETENTION_SECONDS = 7 * 86400

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
    # Outbox relay: how long one send may wait for the broker's ack before the row counts as unsent
    # (and the producer is recreated), how many failures a row may cause before it is parked, and
    # how long a claim (lease) lasts; 0 means 2 x the send timeout + 5 s.
    outbox_send_timeout: float = Field(15.0, gt=0, validation_alias="OUTBOX_SEND_TIMEOUT")
    outbox_max_attempts: int = Field(5, ge=1, validation_alias="OUTBOX_MAX_ATTEMPTS")
    outbox_lease_seconds: float = Field(0.0, ge=0, validation_alias="OUTBOX_LEASE_SECONDS")
    # After how long without a successful send (rows waiting) the relay counts as stuck and /readyz
    # turns red; 0 means max(3 x the send timeout, 30 s).
    outbox_stuck_after: float = Field(0.0, ge=0, validation_alias="OUTBOX_STUCK_AFTER")
    # Retention (seconds): published outbox rows, and inbox rows. The inbox must outlive the topics'
    # retention, or a redelivery of an old event would apply twice (docs/architecture.md#retention).
    outbox_retention: float = Field(7 * 86400, gt=0, validation_alias="OUTBOX_RETENTION")
    inbox_retention: float = Field(30 * 86400, gt=0, validation_alias="INBOX_RETENTION")
    retention_interval: float = Field(3600, gt=0, validation_alias="RETENTION_INTERVAL")
    # Consumer policy: attempts before a message goes to the DLQ, and the first backoff.
    consumer_max_attempts: int = Field(4, validation_alias="CONSUMER_MAX_ATTEMPTS")
    consumer_backoff_seconds: float = Field(0.2, validation_alias="CONSUMER_BACKOFF_SECONDS")
    # PostgreSQL: a polled batch in one transaction, a savepoint per record (decision 0015).
    consumer_batch_transaction: bool = Field(True, validation_alias="CONSUMER_BATCH_TRANSACTION")
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
    def _inbox_outlives_the_topics(self) -> ServiceSettings:
        if self.inbox_retention <= TOPIC_RETENTION_SECONDS:
            raise ValueError(f"INBOX_RETENTION must be longer than the topics' retention ({TOPIC_RETENTION_SECONDS} s)")
        return self

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
