"""How the domain writes percentages and durations in the sentences people read."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal


def percent(value: Decimal) -> str:
    """``Decimal("20")`` -> ``"20%"``; ``Decimal("12.50")`` -> ``"12.5%"``."""
    return f"{value.normalize():f}%"


def ratio_as_percent(ratio: Decimal) -> str:
    """``Decimal("0.5")`` -> ``"50%"``."""
    return percent(ratio * 100)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" + ("" if count == 1 else "s")


def duration(span: timedelta) -> str:
    """Whole days, else whole hours, else minutes: ``"7 days"``, ``"36 hours"``, ``"1 day"``."""
    seconds = int(span.total_seconds())
    if seconds and seconds % 86400 == 0:
        return _plural(seconds // 86400, "day")
    if seconds and seconds % 3600 == 0:
        return _plural(seconds // 3600, "hour")
    return _plural(seconds // 60, "minute")
