"""One rule for emitting events (docs/decisions/0014-one-rule-for-emitting-events.md), in all four services:

- aggregates (or, for a change without an aggregate object, the use case on the transaction) record
  *domain* events; the unit of work (`Tx`) collects them at the end of the use case and stages them;
- the service's mapper, `service_layer/contracts.py`, is the only module that builds its integration
  contracts, and it is registered in `bootstrap.py` (`ServiceRuntime(mapper=...)`);
- no service module stages a contract itself: no `.publish(...)`, no `add_event(...)`.

The check reads each service's source (ast), so a use case that publishes inline fails it by file and line.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest

from clinic_shared.events.base import Event
from clinic_shared.outbox.mapper import EventMapper

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("catalog", "pricing", "cart", "content")
MAPPER_MODULE = "service_layer/contracts.py"
TRANSACTIONS = {"tx", "ctx", "transaction"}  # the names a Tx goes by in service code


def _staging(node: ast.AST) -> str | None:
    """`tx.publish` / `ctx.publish` (called or passed on) or the outbox writer's `add_event`: staging a
    contract directly. A domain method that happens to be called `publish` (an article's) is not."""
    if isinstance(node, ast.Attribute) and node.attr == "publish":
        owner = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", "")
        if owner in TRANSACTIONS or owner.endswith("_tx"):
            return f"{owner}.publish"
    if isinstance(node, ast.Name | ast.Attribute) and (node.id if isinstance(node, ast.Name) else node.attr) == "add_event":
        return "add_event"
    return None


def _contract_class(module: str, name: str) -> type[Event] | None:
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return found if isinstance(found, type) and issubclass(found, Event) else None


def emitting_problems(package: Path, service: str) -> list[str]:
    """Where a service module stages an event itself or builds one of its own contracts outside the mapper."""
    problems: list[str] = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        tree = ast.parse(path.read_text(), filename=rel)
        classes: dict[str, type[Event]] = {}   # a contract class imported by name
        modules: dict[str, str] = {}           # a contracts module imported under an alias
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("clinic_shared.events"):
                for alias in node.names:
                    local = alias.asname or alias.name
                    if (cls := _contract_class(node.module, alias.name)) is not None:
                        classes[local] = cls
                    else:
                        modules[local] = f"{node.module}.{alias.name}"
        for node in ast.walk(tree):
            if (staged := _staging(node)) is not None:
                problems.append(f"{rel}:{node.lineno}: stages an event itself ({staged}); record a domain "
                                "event and let the transaction map it")
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            cls = None
            if isinstance(func, ast.Name):
                cls = classes.get(func.id)
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in modules:
                cls = _contract_class(modules[func.value.id], func.attr)
            if cls is not None and cls.TOPIC.startswith(f"{service}.") and rel != MAPPER_MODULE:
                problems.append(f"{rel}:{node.lineno}: builds the contract {cls.__name__} outside {MAPPER_MODULE}")
    return problems


def _runtime(service: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("AUTH_JWT_SECRET", "contract-test-only-secret-not-used-for-anything")
    return importlib.import_module(f"{service}.bootstrap").create_app().state.runtime


@pytest.mark.parametrize("service", SERVICES)
def test_service_emits_through_its_mapper(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    package = ROOT / "services" / service / "src" / service
    assert (package / MAPPER_MODULE).exists(), f"{service}: missing {MAPPER_MODULE} (its event mapper)"
    runtime = _runtime(service, monkeypatch)
    assert isinstance(runtime.mapper, EventMapper) and runtime.mapper.service == service, (
        f"{service}: bootstrap.py registers no event mapper of its own (ServiceRuntime(mapper=...))")
    assert runtime.mapper.event_types, f"{service}: its mapper maps no domain event"
    problems = emitting_problems(package, service)
    assert not problems, f"{service} emits against the rule:\n" + "\n".join(problems)


def test_inline_publishing_is_reported_by_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "service_layer").mkdir()
    (tmp_path / MAPPER_MODULE).write_text(
        "from clinic_shared.events.catalog import ProductArchived\n"
        "def archived(e):\n    return ProductArchived(product_id=e.id, slug=e.slug, skus=[], version=1)\n")
    assert emitting_problems(tmp_path, "catalog") == []

    (tmp_path / "service_layer/products.py").write_text(
        "from clinic_shared.events import catalog as contract\n"
        "from clinic_shared.events.catalog import ProductArchived\n"
        "from clinic_shared.events.pricing import PriceChanged\n"
        "async def archive(tx, p):\n"
        "    await tx.publish(ProductArchived(product_id=p.id, slug=p.slug, skus=[], version=1))\n"
        "    event = contract.ProductUpdated.model_construct()  # not a construction: not this check's\n"
        "    return event, PriceChanged(sku='x')  # another service's contract (a test double, say)\n")
    assert emitting_problems(tmp_path, "catalog") == [
        "service_layer/products.py:5: stages an event itself (tx.publish); record a domain event and let the "
        "transaction map it",
        "service_layer/products.py:5: builds the contract ProductArchived outside service_layer/contracts.py",
    ]
    (tmp_path / "service_layer/refunds.py").write_text(
        "async def on_refund(ctx, article, refund):\n"
        "    article.publish(now=1)  # a domain method of that name: fine\n"
        "    await refund(ctx.session, ctx.publish)\n")
    assert emitting_problems(tmp_path, "catalog")[-1] == (
        "service_layer/refunds.py:3: stages an event itself (ctx.publish); record a domain event and let the "
        "transaction map it")
    (tmp_path / "service_layer/refunds.py").unlink()
    (tmp_path / "service_layer/products.py").write_text(
        "from clinic_shared.events import catalog as contract\n"
        "def later(p):\n"
        "    return contract.ProductArchived(product_id=p.id, slug=p.slug, skus=[], version=1)\n")
    assert emitting_problems(tmp_path, "catalog") == [
        "service_layer/products.py:3: builds the contract ProductArchived outside service_layer/contracts.py"]
