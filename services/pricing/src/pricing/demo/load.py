"""Load pricing's demo data through the HTTP API (as ops would), idempotently: the prices of the
demo SKUs, and the competitor list (two licensed clinics, a marketplace and a coupon site).

    uv run python -m pricing.demo.load --base-url http://127.0.0.1:8080/api/pricing
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib import resources
from typing import Any

import httpx

from clinic_shared.auth import DEFAULT_AUDIENCE, DEFAULT_ISSUER, issue_token


def demo_data() -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = json.loads(
        resources.files(__package__).joinpath("data.json").read_text())
    return data


def _check(response: httpx.Response, what: str) -> None:
    if response.status_code >= 400:
        raise SystemExit(f"loading {what} failed: {response.status_code} {response.text}")


def load(base_url: str, secret: str) -> tuple[int, int]:
    """PUT every demo price (the same price twice changes nothing) and add the competitors not yet listed."""
    token = issue_token(secret, "demo-ops", ["ops"], issuer=os.environ.get("AUTH_JWT_ISSUER", DEFAULT_ISSUER),
                        audience=os.environ.get("AUTH_JWT_AUDIENCE", DEFAULT_AUDIENCE))
    headers = {"Authorization": f"Bearer {token}"}
    data, prices, added = demo_data(), 0, 0
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        for price in data["prices"]:
            response = client.put(f"/prices/{price['sku']}", json={k: v for k, v in price.items() if k != "sku"})
            _check(response, price["sku"])
            prices += 1
        listed = client.get("/competitors")
        _check(listed, "the competitor list")
        known = {c["domain"] for c in listed.json()["items"]}
        for competitor in data["competitors"]:
            if competitor["domain"] in known:
                continue
            response = client.post("/competitors", json=competitor)
            if response.status_code != 409:  # 409: added meanwhile by another run
                _check(response, competitor["name"])
                added += 1
    return prices, added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8080/api/pricing")
    args = parser.parse_args()
    secret = os.environ.get("AUTH_JWT_SECRET", "development-only-secret-change-me-in-production")
    prices, added = load(args.base_url, secret)
    print(f"pricing: {prices} demo price(s) set, {added} competitor(s) added", file=sys.stderr)


if __name__ == "__main__":
    main()
