"""Every metric the dashboard and the alert rules read is one a service really exports."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

from prometheus_client import REGISTRY

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_created")


def _exported() -> set[str]:
    for service in ("catalog", "pricing", "cart", "content"):
        importlib.import_module(f"{service}.bootstrap")  # registers each service's metrics
    return {metric.name for metric in REGISTRY.collect()}


def _used() -> set[str]:
    text = (DEPLOY / "prometheus" / "alerts.yml").read_text()
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "clinic-overview.json").read_text())
    text += " ".join(t["expr"] for panel in dashboard["panels"] for t in panel["targets"])
    names = set()
    for name in re.findall(r"\bclinic_[a-z_]+", text):
        for suffix in SUFFIXES:
            if name.endswith(suffix):
                name = name[: -len(suffix)]
                break
        names.add(name)
    return names


def test_the_dashboard_and_alerts_read_only_metrics_that_exist() -> None:
    used = _used()
    assert len(used) >= 8
    assert used - _exported() == set()
