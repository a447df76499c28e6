"""Run localstripe on 127.0.0.1 with in-memory state, fresh at every start.

Why a wrapper instead of the `localstripe` command (1.15.x, read from its source):
- `localstripe --port N` binds a dual-stack socket on `::`, i.e. every interface, and has no
  host option; here the same aiohttp app is served on --host (127.0.0.1) only.
- Its store pickles itself to the fixed path /tmp/localstripe.pickle after every write (even with
  --from-scratch, which only skips loading it at start). Here both the load and the dump are
  disabled: state lives in memory, each start is fresh, nothing is shared through /tmp, and no
  write pays for re-pickling the whole store. `DELETE /_config/data` still empties it.

Usage: localstripe_serve.py [--host 127.0.0.1] [--port 8420]
"""

from __future__ import annotations

import argparse
import logging

from aiohttp import web
from localstripe import resources, server


def _in_memory_only() -> None:
    resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
    resources.Store.try_load_from_disk = lambda self: None  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    args = parser.parse_args()

    _in_memory_only()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    access = logging.getLogger("aiohttp.access")
    access.setLevel(logging.INFO)
    web.run_app(server.app, host=args.host, port=args.port, access_log=access)


if __name__ == "__main__":
    main()
