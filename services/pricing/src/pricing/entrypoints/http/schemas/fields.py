"""The field types and checks the HTTP shapes share: SKUs, money, text PostgreSQL can store, URLs,
regions, times, host names."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from pricing.domain import US_REGIONS
from pricing.domain.competitors import host_of

SKU_PATTERN = r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$"
SkuCode = Annotated[str, StringConstraints(pattern=SKU_PATTERN, min_length=2, max_length=64)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
MinorUnits = Annotated[int, Field(ge=1, le=100_000_000_00, description="integer minor units (cents for USD)")]


def storable_text(value: str) -> str:
    """Text PostgreSQL can store: no NUL character, no lone surrogate."""
    if "\x00" in value:
        raise ValueError("text must not contain the NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode") from exc
    return value


Storable = AfterValidator(storable_text)
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), Storable]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000), Storable]
HTTP_URL_PATTERN = r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#]\S*)?$"
# The pattern documents the usual shape (and steers fuzzers); the validator (`http_url`) decides, with a message.
Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), Storable,
                Field(description="an http(s) URL", json_schema_extra={"pattern": HTTP_URL_PATTERN})]
Region = Annotated[str, Field(json_schema_extra={"enum": sorted(US_REGIONS)}, description="a US state code")]


def known_region(value: str) -> str:
    if value not in US_REGIONS:
        raise ValueError(f"unknown US state code {value}")
    return value


def known_regions(values: list[str]) -> list[str]:
    bad = sorted({v for v in values if v not in US_REGIONS})
    if bad:
        raise ValueError(f"unknown US state code(s): {', '.join(bad)}")
    return sorted(set(values))


def http_url(value: str | None) -> str | None:
    if value is not None:
        host_of(value)  # ValueError: not an http(s) URL with a host
    return value


def utc_time(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("the time is out of range") from exc


HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def host_name(value: str) -> str:
    value = value.lower().removeprefix("www.")
    if not HOST.fullmatch(value):
        raise ValueError("domain must be a host name such as 'mindbridge-clinic.example' (no scheme, no path)")
    return value


Domain = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=253), AfterValidator(host_name),
    Field(description="a host name", json_schema_extra={"pattern": "^" + HOST.pattern + "$"}),
]
Regions = Annotated[list[Region], Field(max_length=60)]
