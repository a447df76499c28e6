"""`clinic-dlq list|replay TOPIC [--group G] [--dry-run]`: the ops command for dead letters.

Example: `uv run clinic-dlq list cart.order.v1 --group pricing.orders`, then
`uv run clinic-dlq replay cart.order.v1 --group pricing.orders --dry-run`, then without --dry-run.
A replay reaches only the group that dead-lettered each message (all groups found, or --group).
KAFKA_BOOTSTRAP_SERVERS and KAFKA_TOPIC_PREFIX are read from the environment.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from clinic_shared.messaging.dlq import DeadLetter, list_dead_letters, replay


def _line(d: DeadLetter) -> str:
    return (f"{d.partition}:{d.offset}\tgroup={d.group}\tkey={d.key}\ttype={d.event_type}\t"
            f"from={d.headers.get('dlq_origin_topic')}:{d.headers.get('dlq_origin_partition')}:"
            f"{d.headers.get('dlq_origin_offset')}\terror={d.error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clinic-dlq", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["list", "replay"])
    parser.add_argument("topic", help="the origin topic, e.g. cart.order.v1 (its DLQ is <topic>.dlq)")
    parser.add_argument("--group", action="append", default=None,
                        help="only this consumer group's dead letters (service.subscription); repeatable")
    parser.add_argument("--dry-run", action="store_true", help="replay: show what would be sent, send nothing")
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    args = parser.parse_args(argv)
    topic = os.environ.get("KAFKA_TOPIC_PREFIX", "") + args.topic
    if args.action == "list":
        letters: list[DeadLetter] = []
        for group in args.group or [None]:
            letters += asyncio.run(list_dead_letters(args.bootstrap, topic, group=group))
        for d in letters:
            print(_line(d))
        print(f"{len(letters)} dead letter(s) in {topic}.dlq", file=sys.stderr)
    else:
        sent = asyncio.run(replay(args.bootstrap, topic, groups=args.group, dry_run=args.dry_run))
        for d in sent:
            print(_line(d))
        verb = "would replay" if args.dry_run else "replayed"
        print(f"{verb} {len(sent)} message(s) from {topic}.dlq", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
