"""`clinic-dlq list|replay TOPIC`: the ops command for dead letters.

Example: `uv run clinic-dlq list cart.order.v1` then `uv run clinic-dlq replay cart.order.v1`
(KAFKA_BOOTSTRAP_SERVERS and KAFKA_TOPIC_PREFIX are read from the environment).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from clinic_shared.messaging.dlq import list_dead_letters, replay


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clinic-dlq", description=__doc__)
    parser.add_argument("action", choices=["list", "replay"])
    parser.add_argument("topic", help="the origin topic, e.g. cart.order.v1 (its DLQ is <topic>.dlq)")
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    args = parser.parse_args(argv)
    topic = os.environ.get("KAFKA_TOPIC_PREFIX", "") + args.topic
    if args.action == "list":
        letters = asyncio.run(list_dead_letters(args.bootstrap, topic))
        for d in letters:
            print(f"{d.partition}:{d.offset}\tkey={d.key}\ttype={d.event_type}\t"
                  f"from={d.headers.get('dlq_origin_topic')}:{d.headers.get('dlq_origin_partition')}:"
                  f"{d.headers.get('dlq_origin_offset')}\terror={d.error}")
        print(f"{len(letters)} dead letter(s) in {topic}.dlq", file=sys.stderr)
    else:
        sent = asyncio.run(replay(args.bootstrap, topic))
        print(f"replayed {sent} message(s) from {topic}.dlq", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
