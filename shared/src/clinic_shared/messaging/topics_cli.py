"""`clinic-topics`: create every topic and its DLQ (idempotent), as production provisioning does:
with its partitions, replicas and min ISR; DLQs keep their messages (retention.ms=-1)."""

from __future__ import annotations

import argparse
import asyncio
import os

from clinic_shared.events.topics import ALL_TOPICS
from clinic_shared.messaging.kafka import ensure_topics, with_dlqs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clinic-topics", description=__doc__)
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument("--partitions", type=int, default=int(os.environ.get("KAFKA_TOPIC_PARTITIONS", "3")))
    parser.add_argument("--replication-factor", type=int,
                        default=int(os.environ.get("KAFKA_REPLICATION_FACTOR", "1")), help="3 in production")
    parser.add_argument("--min-insync-replicas", type=int,
                        default=int(os.environ.get("KAFKA_MIN_INSYNC_REPLICAS", "1")), help="2 in production")
    args = parser.parse_args(argv)
    prefix = os.environ.get("KAFKA_TOPIC_PREFIX", "")
    topics = [prefix + t for t in with_dlqs(list(ALL_TOPICS))]
    asyncio.run(ensure_topics(args.bootstrap, topics, args.partitions, replication_factor=args.replication_factor,
                              min_insync_replicas=args.min_insync_replicas))
    print("\n".join(topics))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
