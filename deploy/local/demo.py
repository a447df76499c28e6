"""`make up`'s demo data: every service's `<svc>.demo.load`, in one Python process.

Usage: demo.py API_BASE   (e.g. http://127.0.0.1:8080/api; service <svc> is at API_BASE/<svc>)

The loaders sign their requests with AUTH_JWT_SECRET; when it is not set, the value the services
themselves use is taken from the shared settings (clinic_shared.settings), so the development
default is written in one place only.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

from clinic_shared.settings import ServiceSettings

SERVICES = ("catalog", "pricing", "cart", "content")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    api = sys.argv[1].rstrip("/")
    os.environ.setdefault("AUTH_JWT_SECRET", ServiceSettings().auth_jwt_secret)
    for svc in SERVICES:
        if importlib.util.find_spec(f"{svc}.demo") is None or importlib.util.find_spec(f"{svc}.demo.load") is None:
            continue  # this service has no demo data
        loader = importlib.import_module(f"{svc}.demo.load")
        sys.argv = [f"{svc}.demo.load", "--base-url", f"{api}/{svc}"]
        loader.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
