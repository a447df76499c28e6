"""Reading and replaying dead-letter topics (the `clinic-dlq` ops command, `/ops/dead-letters`, tests).

Every group that consumes a topic writes its dead letters to the one `<topic>.dlq`, each naming its
group (`dlq_consumer`). A replay sends a dead letter back to its origin topic with the header
`clinic_replay_group: <group>`: that group's policy applies it (its inbox never recorded it),
every other group's policy skips it (docs/decisions/0009-dead-letters-per-group.md). The replayer
remembers per target group how far it got, so a second replay sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from clinic_shared.events.topics import dlq_of
from clinic_shared.messaging.kafka import new_consumer, new_producer, partitions_of
from clinic_shared.messaging.policy import REPLAY_GROUP_HEADER

REPLAY_GROUP = "clinic-dlq-replayer"


@dataclass(frozen=True)
class DeadLetter:
    topic: str
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

    @property
    def group(self) -> str:
        """The consumer group (service.subscription) that dead-lettered it."""
        return self.headers.get("dlq_consumer", "")


def _letter(r: ConsumerRecord) -> DeadLetter:  # type: ignore[type-arg]
    return DeadLetter(r.topic, r.partition, r.offset, r.key.decode(errors="replace") if r.key else None,
                      {k: v.decode(errors="replace") for k, v in r.headers or []})


async def _read_all(consumer: AIOKafkaConsumer, topic: str) -> list[ConsumerRecord]:  # type: ignore[type-arg]
    tps = [TopicPartition(topic, p) for p in await partitions_of(consumer, topic)]
    if not tps:
        return []
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


async def list_dead_letters(bootstrap: str, topic: str, *, group: str | None = None) -> list[DeadLetter]:
    """Everything in `<topic>.dlq` (topic names are physical: include any prefix), or one group's."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        records = await _read_all(consumer, dlq_of(topic))
    finally:
        await consumer.stop()
    letters = [_letter(r) for r in records]
    return [d for d in letters if group is None or d.group == group]


async def replay(bootstrap: str, topic: str, *, groups: Iterable[str] | None = None,
                 dry_run: bool = False) -> list[DeadLetter]:
    """Send the not-yet-replayed dead letters of `<topic>.dlq` back to their origin topic, each
    addressed to the group that dead-lettered it (all groups found, or only `groups`).

    Returns what was sent (with `dry_run`: what would be, and nothing is sent or remembered).
    The original headers (with the CloudEvent id) go back unchanged, less the dlq_* ones.
    """
    wanted = set(groups) if groups is not None else {d.group for d in await list_dead_letters(bootstrap, topic)}
    sent: list[DeadLetter] = []
    producer = None if dry_run else new_producer(bootstrap, REPLAY_GROUP)
    if producer is not None:
        await producer.start()
    try:
        for group in sorted(g for g in wanted if g):
            sent += await _replay_group(bootstrap, topic, group, producer)
    finally:
        if producer is not None:
            await producer.stop()
    return sent


async def _replay_group(bootstrap: str, topic: str, group: str, producer: object | None) -> list[DeadLetter]:
    consumer = new_consumer(bootstrap, f"{REPLAY_GROUP}.{group}", REPLAY_GROUP)
    await consumer.start()
    sent: list[DeadLetter] = []
    try:
        records = await _read_all(consumer, dlq_of(topic))
        for record in records:
            letter = _letter(record)
            if letter.group != group:
                continue
            sent.append(letter)
            if producer is None:
                continue
            headers = [(k, v) for k, v in record.headers or []
                       if not k.startswith("dlq_") and k != REPLAY_GROUP_HEADER]
            origin = letter.headers.get("dlq_origin_topic", topic)
            headers += [("dlq_replayed_from", f"{record.topic}:{record.partition}:{record.offset}".encode()),
                        (REPLAY_GROUP_HEADER, group.encode())]
            await producer.send_and_wait(origin, value=record.value, key=record.key, headers=headers)  # type: ignore[attr-defined]
            await consumer.commit({TopicPartition(record.topic, record.partition): OffsetAndMetadata(
                record.offset + 1, "")})
        if producer is not None and records:
            # Past the other groups' letters too: this replayer only ever sends this group's.
            last: dict[TopicPartition, int] = {}
            for r in records:
                last[TopicPartition(r.topic, r.partition)] = r.offset + 1
            await consumer.commit({tp: OffsetAndMetadata(o, "") for tp, o in last.items()})
    finally:
        await consumer.stop()
    return sent
