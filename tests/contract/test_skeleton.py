"""One skeleton: the four services hold the same roles under the same module names, so that knowing
one service is knowing all four (docs/decisions/0013-one-skeleton-module-names.md).

The rule, per service package (`services/<svc>/src/<svc>/`):

- every service has `bootstrap.py` (the one place that wires it), `settings.py`, `domain/`,
  `service_layer/`, `adapters/orm.py` (its tables), `entrypoints/http/deps.py` (its FastAPI
  dependencies), `entrypoints/http/routes/` and `entrypoints/http/schemas` (a module or a package);
- a service that subscribes to anything keeps what it learns from other services' events in
  `adapters/read_models.py` (the tables' access) and `service_layer/read_models.py` (the use cases);
- `entrypoints/events/` holds exactly one module per topic the service reads, named after the topic
  (`catalog.product.v1` -> `catalog_products.py`: owner, then the stream in the plural), and each
  subscription's handlers live in the module of their topic;
- the names the services drifted to before are refused with the name to use instead.

Subscription names are not module names: a subscription's name is its consumer group and its inbox
key, and it never changes once deployed (renaming it would re-read the topic with an empty inbox).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("catalog", "pricing", "cart", "content")

REQUIRED = ("bootstrap.py", "settings.py", "domain/__init__.py", "service_layer/__init__.py", "adapters/orm.py",
            "entrypoints/http/deps.py", "entrypoints/http/routes/__init__.py", "entrypoints/events/__init__.py")
WITH_SUBSCRIPTIONS = ("adapters/read_models.py", "service_layer/read_models.py")
REFUSED = {"projections.py": "read_models.py", "catalog_view.py": "read_models.py",
           "catalog_skus.py": "read_models.py", "repository.py": "a module named for what it holds",
           "params.py": "entrypoints/http/deps.py", "dependencies.py": "entrypoints/http/deps.py"}


def topic_module(topic: str) -> str:
    """`pricing.price-match.v1` -> `pricing_price_matches`."""
    owner, stream = topic.split(".")[:2]
    stream = stream.replace("-", "_")
    plural = stream + ("es" if stream.endswith(("s", "x", "ch", "sh")) else "s")
    return f"{owner}_{plural}"


def skeleton_problems(package: Path, subscriptions: list[tuple[str, list[str], set[str]]]) -> list[str]:
    """What is missing, extra or misnamed in one service package. `subscriptions`: for each, its
    name, the topics it reads and the modules its handlers are defined in (relative, dotted)."""
    modules = {p.relative_to(package).as_posix() for p in package.rglob("*.py")}
    problems = [f"missing {m}" for m in REQUIRED if m not in modules]
    if not ({"entrypoints/http/schemas.py", "entrypoints/http/schemas/__init__.py"} & modules):
        problems.append("missing entrypoints/http/schemas.py (or the schemas package)")
    if subscriptions:
        problems += [f"missing {m} (the service subscribes)" for m in WITH_SUBSCRIPTIONS if m not in modules]
    for m in sorted(modules):
        if (name := m.rsplit("/", 1)[-1]) in REFUSED:
            problems.append(f"{m}: use {REFUSED[name]}")
    expected = {topic_module(t) for _, topics, _ in subscriptions for t in topics}
    present = {m.removeprefix("entrypoints/events/").removesuffix(".py") for m in modules
               if m.startswith("entrypoints/events/") and m != "entrypoints/events/__init__.py"}
    problems += [f"missing entrypoints/events/{m}.py (a topic it reads)" for m in sorted(expected - present)]
    problems += [f"extra entrypoints/events/{m}.py (no subscription reads its topic)"
                 for m in sorted(present - expected)]
    for name, topics, handler_modules in subscriptions:
        homes = {f"entrypoints.events.{topic_module(t)}" for t in topics}
        problems += [f"subscription {name!r}: handlers in {h}, not in the module of its topic ({', '.join(sorted(homes))})"
                     for h in sorted(handler_modules - homes)]
    return problems


def _subscriptions(service: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str], set[str]]]:
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("AUTH_JWT_SECRET", "contract-test-only-secret-not-used-for-anything")
    runtime: Any = importlib.import_module(f"{service}.bootstrap").create_app().state.runtime
    return [(s.name, s.topics, {h.__module__.removeprefix(f"{service}.") for h in s.handlers.values()})
            for s in runtime.subscriptions]


@pytest.mark.parametrize("service", SERVICES)
def test_service_follows_the_skeleton(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    package = ROOT / "services" / service / "src" / service
    problems = skeleton_problems(package, _subscriptions(service, monkeypatch))
    assert not problems, f"{service} drifts from the skeleton:\n" + "\n".join(problems)


def test_drift_is_reported_by_name(tmp_path: Path) -> None:
    for m in (*REQUIRED, *WITH_SUBSCRIPTIONS, "entrypoints/http/schemas.py", "entrypoints/events/catalog_products.py"):
        (tmp_path / m).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / m).touch()
    reads = [("products", ["catalog.product.v1"], {"entrypoints.events.catalog_products"})]
    assert skeleton_problems(tmp_path, reads) == []

    (tmp_path / "service_layer/read_models.py").rename(tmp_path / "service_layer/projections.py")
    (tmp_path / "entrypoints/events/catalog_products.py").rename(tmp_path / "entrypoints/events/products.py")
    (tmp_path / "entrypoints/http/deps.py").unlink()
    moved = [("products", ["catalog.product.v1"], {"entrypoints.events.products"})]
    assert skeleton_problems(tmp_path, moved) == [
        "missing entrypoints/http/deps.py",
        "missing service_layer/read_models.py (the service subscribes)",
        "service_layer/projections.py: use read_models.py",
        "missing entrypoints/events/catalog_products.py (a topic it reads)",
        "extra entrypoints/events/products.py (no subscription reads its topic)",
        "subscription 'products': handlers in entrypoints.events.products, not in the module of its topic "
        "(entrypoints.events.catalog_products)",
    ]


def test_topic_module_names() -> None:
    assert topic_module("catalog.product.v1") == "catalog_products"
    assert topic_module("pricing.price-match.v1") == "pricing_price_matches"
    assert topic_module("cart.order.v1") == "cart_orders"
