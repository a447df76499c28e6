"""Small helpers the benchmarks share: percentiles, free ports, the repository root on sys.path."""

from __future__ import annotations

import math
import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `tests.e2e.stack` is imported from the repository root
    sys.path.insert(0, str(ROOT))


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of the values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def latency_summary(seconds: list[float]) -> dict[str, float | None]:
    """p50/p95/p99/max in milliseconds."""
    return {"p50_ms": ms(percentile(seconds, 50)), "p95_ms": ms(percentile(seconds, 95)),
            "p99_ms": ms(percentile(seconds, 99)), "max_ms": ms(max(seconds) if seconds else None),
            "samples": len(seconds)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 2)


def cpu_seconds() -> float:
    """CPU time (user + system) this process has used so far."""
    t = os.times()
    return t.user + t.system
