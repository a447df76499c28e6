"""The one place Kafka clients and topics are configured. The libraries' defaults lose events; ours do not.

Producer (relay, DLQ writer): acks=all and idempotence (no loss on leader change, no duplicate on retry).
Subscribers: FastStream's KafkaBroker (consumer side only: the relay and the DLQ writer publish
through the runtime's producer), every subscriber batch, AckPolicy.MANUAL (the consumer policy
commits explicit offsets after the effect), read_committed, earliest offset for a new group, no
topic auto-creation (topics are provisioned with their partitions, replicas and min ISR), static
membership when the replica has a stable id.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code
from faststream.kafka import KafkaBroker

from clinic_shared.events.topics import dlq_of
from clinic_shared.settings import ServiceSettings


def new_producer(bootstrap_servers: str, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        request_timeout_ms=30000,
    )


def new_consumer(bootstrap_servers: str, group_id: str, client_id: str, *topics: str) -> AIOKafkaConsumer:
    """A plain consumer for ops tools (DLQ listing and replay); services consume through the policy."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )


def new_broker(settings: ServiceSettings, client_id: str) -> KafkaBroker:
    """The service's FastStream broker. Nothing is published through it (consumer_only), but it is
    configured safely anyway, so that a later publisher on it cannot lose events."""
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=client_id,
        consumer_only=True,
        allow_auto_create_topics=False,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=30000,
        graceful_timeout=10.0,
        apply_types=False,
        # FastStream logs "Received"/"Processed" per batch at this level: below our INFO.
        log_level=logging.DEBUG,
    )


def instance_id(settings: ServiceSettings) -> str | None:
    """This replica's static group member id: SERVICE_INSTANCE_ID, else host:PORT when PORT is set.

    None (dynamic membership) otherwise: two replicas sharing an id would fence each other, so an
    id is only made up from something that differs between replicas.
    """
    if settings.service_instance_id:
        return settings.service_instance_id
    port = os.environ.get("PORT")
    return f"{socket.gethostname()}:{port}" if port else None


def subscriber_options(settings: ServiceSettings) -> dict[str, Any]:
    """aiokafka consumer options every subscriber gets (passed through FastStream's subscriber())."""
    return {
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "max_records": settings.consumer_max_poll_records,
        "session_timeout_ms": settings.consumer_session_timeout_ms,
        "heartbeat_interval_ms": min(3000, settings.consumer_session_timeout_ms // 3),
        "group_instance_id": instance_id(settings),
    }


async def ensure_topics(
    bootstrap_servers: str, topics: list[str], partitions: int = 3, *,
    replication_factor: int = 1, min_insync_replicas: int = 1,
) -> None:
    """Create topics that are missing (partitions, replicas, min ISR), as production provisioning does.

    Dead-letter topics keep their messages for good (retention.ms=-1): an unreplayed dead letter
    is an event some consumer has not applied yet.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="clinic-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [t for t in dict.fromkeys(topics) if t not in existing]
        if wanted:
            try:
                response = await admin.create_topics([
                    NewTopic(name=t, num_partitions=partitions, replication_factor=replication_factor,
                             topic_configs=topic_config(t, min_insync_replicas))
                    for t in wanted
                ])
            except TopicAlreadyExistsError:
                return
            # The broker answers per topic; an error there (a replication factor above the number of
            # brokers, a bad config) must not pass silently.
            for topic_error in response.topic_errors:
                name, code = topic_error[0], topic_error[1]
                if code not in (0, TopicAlreadyExistsError.errno):
                    raise for_code(code)(f"creating topic {name}: {topic_error[2] if len(topic_error) > 2 else ''}")
    finally:
        await admin.close()


def topic_config(topic: str, min_insync_replicas: int) -> dict[str, str]:
    config = {"min.insync.replicas": str(min_insync_replicas)}
    if topic.endswith(".dlq"):
        config["retention.ms"] = "-1"
    return config


def with_dlqs(topics: list[str]) -> list[str]:
    return [*topics, *(dlq_of(t) for t in topics)]


async def partitions_of(consumer: AIOKafkaConsumer, topic: str) -> list[int]:
    """The partitions of any topic. `consumer.partitions_for_topic` only knows subscribed topics,
    and `consumer.topics()` does not keep the metadata it fetched, so ask the client directly."""
    cluster = await consumer._client.fetch_all_metadata()
    return sorted(cluster.partitions_for_topic(topic) or [])
