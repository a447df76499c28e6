"""`clinic-topics`: create every topic and its DLQ (idempotent), as production provisioning does."""

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
    args = parser.parse_args(argv)
    prefix = os.environ.get("KAFKA_TOPIC_PREFIX", "")
    topics = [prefix + t for t in with_dlqs(list(ALL_TOPICS))]
    asyncio.run(ensure_topics(args.bootstrap, topics, args.partitions))
    print("\n".join(topics))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
