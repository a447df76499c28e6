"""No service talks to Kafka itself: every subscriber goes through the shared consumer policy.

Services declare `Subscription`s and hand them to `ServiceRuntime(subscriptions=...)`; the runtime
registers each through `ConsumerPolicy.register`, the only `.subscriber(` call in the code base.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from clinic_shared.messaging.subscription import Subscription

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("catalog", "pricing", "cart", "content")
KAFKA_CLIENTS = ("aiokafka", "faststream", "kafka", "confluent_kafka")


def _modules(base: Path) -> list[Path]:
    return [p for p in base.rglob("*.py") if "__pycache__" not in p.parts]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _subscriber_calls(path: Path) -> list[int]:
    return [node.lineno for node in ast.walk(ast.parse(path.read_text(), str(path)))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"subscriber", "subscribe"}]


def test_no_service_module_imports_a_kafka_client() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & set(KAFKA_CLIENTS))
        for svc in SERVICES for p in _modules(ROOT / "services" / svc / "src")
        if _imports(p) & set(KAFKA_CLIENTS)
    }
    assert offenders == {}


def test_no_service_registers_a_subscriber_itself() -> None:
    offenders = {str(p.relative_to(ROOT)): _subscriber_calls(p)
                 for svc in SERVICES for p in _modules(ROOT / "services" / svc / "src") if _subscriber_calls(p)}
    assert offenders == {}


def test_the_consumer_policy_is_the_only_place_that_registers_subscribers_in_shared() -> None:
    shared = ROOT / "shared" / "src" / "clinic_shared"
    found = {str(p.relative_to(shared)) for p in _modules(shared) if _subscriber_calls(p)}
    assert found == {"messaging/policy.py"}


def test_every_event_module_of_every_service_declares_a_subscription_its_bootstrap_wires() -> None:
    """Each module of entrypoints/events declares its subscription(s), at module level or built by a
    `subscription_for(...)` factory when a handler needs settings or an outside client
    (`<name>_subscription_for(...)` when the module holds several), and the bootstrap wires every one
    of them: a subscription declared but not wired would never consume."""
    for svc in SERVICES:
        events_dir = ROOT / "services" / svc / "src" / svc / "entrypoints" / "events"
        modules = {}
        for path in sorted(events_dir.glob("*.py")):
            if path.name == "__init__.py":
                continue
            module = importlib.import_module(f"{svc}.entrypoints.events.{path.stem}")
            declared = [v for v in vars(module).values() if isinstance(v, Subscription)]
            factories = [k for k, v in vars(module).items() if k.endswith("subscription_for") and callable(v)]
            assert declared or factories, f"{path} declares no Subscription (nor a ...subscription_for factory)"
            modules[module.__name__] = declared
        bootstrap = importlib.import_module(f"{svc}.bootstrap")
        runtime_source = (ROOT / "services" / svc / "src" / svc / "bootstrap.py").read_text()
        assert "subscriptions=" in runtime_source or not modules, svc
        runtime = bootstrap.build_runtime(bootstrap_settings(svc))
        wired_from: dict[str, list[Subscription]] = {}
        for sub in runtime.subscriptions:
            homes = {h.__module__ for h in sub.handlers.values()}
            assert len(homes) == 1 and homes <= modules.keys(), (svc, sub.name, homes)
            wired_from.setdefault(homes.pop(), []).append(sub)
        assert wired_from.keys() == modules.keys(), (svc, sorted(modules.keys() - wired_from.keys()))
        for name, declared in modules.items():
            if declared:
                assert {id(s) for s in declared} <= {id(s) for s in wired_from[name]}, (svc, name)


def bootstrap_settings(svc: str):  # type: ignore[no-untyped-def]
    module = importlib.import_module(f"{svc}.settings")
    cls = next(v for k, v in vars(module).items() if k.endswith("Settings") and k != "ServiceSettings"
               and isinstance(v, type))
    return cls(environment="test")
