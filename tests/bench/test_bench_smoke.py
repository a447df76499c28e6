"""`make bench --smoke`: every benchmark runs briefly, end to end, and writes its JSON and plots.
A benchmark, not a timed test: nothing here asserts a duration or a rate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from clinic_shared.testing.infra import Infra

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


# The smoke starts several whole stacks (PostgreSQL, SQLite, two replicas) one after another: on 2 shared
# cores that took more than the suite's default 300 s once, so it has the subprocess's own bound.
@pytest.mark.timeout(960)
def test_the_bench_smoke_completes_and_writes_its_json_and_plots(infra: Infra, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    [path] = tmp_path.glob("run-*.json")
    report = json.loads(path.read_text())
    assert {"when", "machine", "settings", "baselines", "messaging", "pipeline", "scale", "ratios", "targets",
            "plots"} <= report.keys()
    assert report["settings"]["smoke"] is True
    assert {"aiokafka_two_hop", "kafka_end_to_end_latency", "kafka_producer_performance"} <= report["baselines"].keys()
    assert {"raw_produce", "outbox_publish", "raw_consume", "policy_consume"} <= report["messaging"]["results"].keys()
    sqlite = report["pipeline"]["sqlite"]
    [step] = sqlite["steps"]
    assert step["reports"] == step["visible"] + step["errors"]
    assert {"p50_ms", "p95_ms", "p99_ms", "max_ms"} <= step["visible_latency"].keys()
    assert {"catalog_list", "cart_add", "minimal_list", "minimal_add", "ratios"} <= sqlite["http"].keys()
    procs = sqlite["footprint"]["processes"]
    assert {"catalog", "pricing", "cart", "content", "nginx", "kafka"} <= {k.split("-")[0] for k in procs}
    assert all(p["rss_mib"] > 0 for p in procs.values())
    assert sqlite["footprint"]["python_rss_mib"] > 0
    assert {"p99_at_100_per_s_ms", "highest_rate_held", "outbox_events_per_s", "catalog_vs_minimal",
            "python_rss_mib"} <= report["targets"].keys()
    assert "== pipeline" in proc.stdout and "== targets ==" in proc.stdout
    assert len(report["plots"]) >= 2
    for plot in report["plots"]:
        assert Path(plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
