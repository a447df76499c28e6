"""The one place Kafka clients are configured. aiokafka's defaults lose events; ours do not.

Producer: acks=all and idempotence (no loss on leader change, no duplicate on retry).
Consumer: no auto-commit (offsets are committed by the consumer policy after the effect commits),
read_committed, earliest offset for a new group.
"""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from clinic_shared.events.topics import dlq_of


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
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        max_poll_records=100,
        session_timeout_ms=30000,
        heartbeat_interval_ms=3000,
    )


async def ensure_topics(bootstrap_servers: str, topics: list[str], partitions: int = 3) -> None:
    """Create topics that are missing (with their partition counts), as production provisioning does."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="clinic-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [t for t in dict.fromkeys(topics) if t not in existing]
        if wanted:
            try:
                await admin.create_topics(
                    [NewTopic(name=t, num_partitions=partitions, replication_factor=1) for t in wanted]
                )
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()


def with_dlqs(topics: list[str]) -> list[str]:
    return [*topics, *(dlq_of(t) for t in topics)]


async def partitions_of(consumer: AIOKafkaConsumer, topic: str) -> list[int]:
    """The partitions of any topic. `consumer.partitions_for_topic` only knows subscribed topics,
    and `consumer.topics()` does not keep the metadata it fetched, so ask the client directly."""
    cluster = await consumer._client.fetch_all_metadata()
    return sorted(cluster.partitions_for_topic(topic) or [])
