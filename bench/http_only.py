"""The HTTP part of `make bench` alone: a PostgreSQL stack, then bench/http_bench.py's catalog list and cart
add against the minimal endpoint (same run, same gateway template), printed as JSON.

    uv run --frozen python bench/http_only.py --seconds 5 --connections 16 [--profile-seconds 5]

For checking a change to the HTTP paths in a minute instead of the full run; `make bench` is the figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime

import http_bench
from common import ROOT
from run import Profiler

from clinic_shared.testing.infra import discover
from tests.e2e.stack import running_stack


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--carts", type=int, default=50)
    p.add_argument("--profile-seconds", type=int, default=0, help="py-spy catalog and cart in runs of their own")
    p.add_argument("--sqlite", action="store_true", help="the embedded (`make up`) shape instead of PostgreSQL")
    args = p.parse_args()
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S}"
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    with running_stack(discover(ROOT), embedded=args.sqlite) as stack:
        seconds = args.profile_seconds
        lists = Profiler(stack, seconds, out, stamp, ("catalog",))
        adds = Profiler(stack, seconds, out, stamp, ("cart",))
        result = asyncio.run(http_bench.run_http(
            stack, args.seconds, args.connections, args.carts,
            on_load={"catalog_list": lists.start, "cart_add": adds.start} if seconds else None))
        profile = {**lists.finish(), **adds.finish()}
        if profile:
            result["profile"] = profile
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
