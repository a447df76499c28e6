"""Write the four services' OpenAPI documents (as their apps serve them at /openapi.json) into a
folder, without starting a server: each app's factory is called and asked for its document.

    uv run --frozen python clients/typescript/scripts/dump_openapi.py clients/typescript/openapi
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

SERVICES = ("catalog", "pricing", "cart", "content")


def main(out: Path) -> None:
    # The documents as a development or test deployment serves them (with POST /dev/token): the
    # storefront's development sign-in is part of what the client knows.
    os.environ["ENVIRONMENT"] = "test"
    os.environ.setdefault("AUTH_JWT_SECRET", "openapi-dump-only-secret-not-used-for-anything")
    out.mkdir(parents=True, exist_ok=True)
    for svc in SERVICES:
        doc = importlib.import_module(f"{svc}.bootstrap").create_app().openapi()
        (out / f"{svc}.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "openapi"))
