"""Prometheus metrics of the plumbing, labelled by service. Services add their own business metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "clinic_http_requests_total", "HTTP requests answered", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "clinic_http_request_duration_seconds", "HTTP request duration", ["service", "method", "route"]
)
OUTBOX_BACKLOG = Gauge("clinic_outbox_backlog", "Outbox rows not yet confirmed by the broker", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "clinic_outbox_oldest_age_seconds", "Age of the oldest unconfirmed outbox row", ["service"]
)
OUTBOX_PUBLISHED = Counter("clinic_outbox_published_total", "Outbox rows confirmed by the broker", ["service"])
OUTBOX_PARKED = Gauge(
    "clinic_outbox_parked", "Outbox rows parked after too many failed sends (clinic-outbox retry)", ["service"]
)
OUTBOX_RELAY_LEADER = Gauge("clinic_outbox_relay_leader", "1 if this replica's relay is the sending leader",
                            ["service"])
OUTBOX_RELAY_HEARTBEAT_AGE = Gauge(
    "clinic_outbox_relay_heartbeat_age_seconds", "Seconds since the relay loop last completed a round", ["service"]
)
OUTBOX_RELAY_STUCK = Gauge(
    "clinic_outbox_relay_stuck", "1 if the leader relay has rows to send and could not send for too long", ["service"]
)
OUTBOX_PRODUCER_RESETS = Counter(
    "clinic_outbox_producer_resets_total", "Relay producers recreated (fatal idempotence error or timeout)", ["service"]
)
RETENTION_PRUNED = Counter(
    "clinic_retention_pruned_total", "Outbox and inbox rows deleted by the retention job", ["service", "table"]
)
OUTBOX_PUBLISH_ERRORS = Counter("clinic_outbox_publish_errors_total", "Failed outbox publishes", ["service"])
CONSUMER_MESSAGES = Counter(
    "clinic_consumer_messages_total", "Messages handled by outcome", ["service", "topic", "outcome"]
)
CONSUMER_LAG = Gauge("clinic_consumer_lag", "Messages behind the partition end", ["service", "topic", "partition"])
CONSUMER_RETRIES = Counter("clinic_consumer_retries_total", "Handler attempts that failed", ["service", "topic"])
DLQ_MESSAGES = Counter("clinic_dlq_messages_total", "Messages sent to a dead-letter topic", ["service", "topic"])
CONSUMER_LAST_BATCH = Gauge(
    "clinic_consumer_last_batch_timestamp_seconds", "When a consumer loop last finished a batch",
    ["service", "consumer"],
)
CONSUMER_HEARTBEAT_AGE = Gauge(
    "clinic_consumer_heartbeat_age_seconds",
    "Seconds a consumer loop has been inside one batch or waiting out an outage (0 when idle)",
    ["service", "consumer"],
)
CONSUMER_STUCK = Gauge(
    "clinic_consumer_stuck", "1 when a consumer loop is stuck inside one batch", ["service", "consumer"]
)
DLQ_PARKED = Counter(
    "clinic_dlq_parked_total", "Dead letters the broker refused for good, parked in the database", ["service", "topic"]
)
