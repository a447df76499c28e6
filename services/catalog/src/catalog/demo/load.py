"""Load the catalog's demo products through the HTTP API (as an editor would), idempotently.

    uv run python -m catalog.demo.load --base-url http://127.0.0.1:8080/api/catalog
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib import resources
from typing import Any

import httpx

from clinic_shared.auth import issue_token


def demo_products() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(resources.files(__package__).joinpath("products.json").read_text())
    return data


def load(base_url: str, secret: str) -> int:
    headers = {"Authorization": f"Bearer {issue_token(secret, 'demo-editor', ['editor'])}"}
    created = 0
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        for product in demo_products():
            response = client.post("/products", json=product)
            if response.status_code == 201:
                created += 1
            elif response.status_code != 409:  # 409: already there from an earlier run
                raise SystemExit(f"loading {product['slug']} failed: {response.status_code} {response.text}")
    return created


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8080/api/catalog")
    args = parser.parse_args()
    n = load(args.base_url, os.environ.get("AUTH_JWT_SECRET", "development-only-secret-change-me-in-production"))
    print(f"catalog: {n} demo product(s) created", file=sys.stderr)


if __name__ == "__main__":
    main()
