"""`clinic-outbox list-parked|retry ID|retry-all`: the ops command for parked outbox rows.

A row is parked after OUTBOX_MAX_ATTEMPTS failed sends that were its own fault (too large, an
undeclared topic, refused by the broker). The later rows of the same key (topic + key) wait behind
it, so per-key order holds: `list-parked` shows how many wait. Fix the cause, then `retry ID`.

Example: `CATALOG_DATABASE_URL=... uv run clinic-outbox --service catalog list-parked`
(or `--database-url URL`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from clinic_shared.db import create_engine, sessionmaker
from clinic_shared.outbox.ops import list_parked, retry


async def _run(url: str, action: str, row_id: int | None) -> int:
    engine = create_engine(url)
    sessions = sessionmaker(engine)
    try:
        if action == "list-parked":
            rows = await list_parked(sessions)
            for r in rows:
                print(f"{r.id}\ttopic={r.topic}\tkey={r.key}\ttype={r.event_type}\tattempts={r.attempts}\t"
                      f"waiting_behind={r.waiting_behind}\tcreated={r.created_at.isoformat()}\terror={r.last_error}")
            print(f"{len(rows)} parked row(s)", file=sys.stderr)
            return 0
        n = await retry(sessions, row_id if action == "retry" else None)
        print(f"{n} row(s) back in line", file=sys.stderr)
        return 0 if n or action == "retry-all" else 1
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clinic-outbox", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--service", help="read <SERVICE>_DATABASE_URL from the environment")
    parser.add_argument("--database-url", help="the service database (overrides --service)")
    parser.add_argument("action", choices=["list-parked", "retry", "retry-all"])
    parser.add_argument("id", nargs="?", type=int, help="the parked row's id (retry)")
    args = parser.parse_args(argv)
    url = args.database_url or (os.environ.get(f"{args.service.upper()}_DATABASE_URL") if args.service else None)
    if not url:
        parser.error("give --database-url, or --service with <SERVICE>_DATABASE_URL set")
    if args.action == "retry" and args.id is None:
        parser.error("retry needs the row id (see list-parked)")
    return asyncio.run(_run(url, args.action, args.id))


if __name__ == "__main__":
    raise SystemExit(main())
