"""Small helpers for rows: JSON list columns, and datetimes that SQLite hands back without a zone."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any


def aware(value: datetime | None) -> datetime | None:
    """``value`` with UTC attached when the database dropped the zone (SQLite stores naive values)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def dumps(values: list[Any]) -> str:
    return json.dumps(values, ensure_ascii=False)


def loads(text: str | None) -> list[Any]:
    value = json.loads(text) if text else []
    return value if isinstance(value, list) else []
