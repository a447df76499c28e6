"""Reading and replaying dead-letter topics (used by the `clinic-dlq` ops command and tests)."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from clinic_shared.events.topics import dlq_of
from clinic_shared.messaging.kafka import new_consumer, new_producer, partitions_of

REPLAY_GROUP = "clinic-dlq-replayer"


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    key: str | None
    headers: dict[str, str]

    @property
    def error(self) -> str:
        return self.headers.get("dlq_error", "")

    @property
    def event_type(self) -> str:
        return self.headers.get("ce_type", "?")


async def _read_all(consumer: AIOKafkaConsumer, topic: str) -> list:  # type: ignore[type-arg]
    tps = [TopicPartition(topic, p) for p in await partitions_of(consumer, topic)]
    consumer.assign(tps)
    end = await consumer.end_offsets(tps)
    # Explicit offsets: seek_to_beginning() only schedules a reset, which can race with position().
    begin = await consumer.beginning_offsets(tps)
    records = []
    for tp in tps:
        committed = await consumer.committed(tp) if consumer._group_id else None
        consumer.seek(tp, committed if committed is not None else begin[tp])
    while True:
        positions = [await consumer.position(tp) for tp in tps]
        if all(pos >= end[tp] for pos, tp in zip(positions, tps, strict=True)):
            break
        batch = await consumer.getmany(*tps, timeout_ms=1000)
        for recs in batch.values():
            records.extend(recs)
    return records


async def list_dead_letters(bootstrap: str, topic: str) -> list[DeadLetter]:
    """Everything in `<topic>.dlq` (topic names are physical: include any prefix)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        records = await _read_all(consumer, dlq_of(topic))
    finally:
        await consumer.stop()
    return [
        DeadLetter(r.partition, r.offset, r.key.decode() if r.key else None,
                   {k: v.decode(errors="replace") for k, v in r.headers or []})
        for r in records
    ]


async def replay(bootstrap: str, topic: str) -> int:
    """Send every not-yet-replayed message of `<topic>.dlq` back to its origin topic, once.

    The replayer's own consumer group remembers how far it got, so a second replay sends nothing
    twice. The original headers (with the CloudEvent id) go back unchanged, less the dlq_* ones.
    """
    consumer = new_consumer(bootstrap, REPLAY_GROUP, REPLAY_GROUP)
    producer = new_producer(bootstrap, REPLAY_GROUP)
    await consumer.start()
    await producer.start()
    sent = 0
    try:
        for record in await _read_all(consumer, dlq_of(topic)):
            headers = [(k, v) for k, v in record.headers or [] if not k.startswith("dlq_")]
            origin = dict(record.headers or []).get("dlq_origin_topic", topic.encode()).decode()
            headers.append(("dlq_replayed_from", f"{record.topic}:{record.partition}:{record.offset}".encode()))
            await producer.send_and_wait(origin, value=record.value, key=record.key, headers=headers)
            await consumer.commit({TopicPartition(record.topic, record.partition): OffsetAndMetadata(
                record.offset + 1, "")})
            sent += 1
    finally:
        await producer.stop()
        await consumer.stop()
    return sent
