"""The published event schemas: exported into the repo, and never changed incompatibly."""

from __future__ import annotations

import json

from clinic_shared.events.schemas import breaking_changes, current_schemas, schema_dir


def test_every_event_schema_is_exported_and_up_to_date() -> None:
    committed = {p.stem: json.loads(p.read_text()) for p in schema_dir().glob("*.json")}
    current = current_schemas()
    missing = sorted(set(current) - set(committed))
    assert not missing, f"run `make schemas` and commit: {missing}"
    stale = sorted(t for t in current if json.dumps(current[t], sort_keys=True) != json.dumps(committed[t], sort_keys=True)
                   and not breaking_changes(committed[t], current[t]))
    assert not stale, f"compatible changes not exported yet; run `make schemas`: {stale}"


def test_no_published_schema_changed_incompatibly() -> None:
    committed = {p.stem: json.loads(p.read_text()) for p in schema_dir().glob("*.json")}
    current = current_schemas()
    removed = sorted(set(committed) - set(current))
    assert not removed, f"published event types disappeared: {removed}"
    problems = {t: breaking_changes(committed[t], current[t]) for t in committed}
    assert not {t: p for t, p in problems.items() if p}, problems


OLD = {
    "type": "object", "required": ["sku", "unit_price"],
    "properties": {"sku": {"type": "string"}, "unit_price": {"type": "integer"},
                   "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}}},
    "$defs": {"Line": {"type": "object", "properties": {"qty": {"type": "integer"}}}},
}


def test_the_checker_finds_a_removed_field_a_changed_type_and_a_new_required_field() -> None:
    removed = {**OLD, "properties": {k: v for k, v in OLD["properties"].items() if k != "unit_price"}}
    retyped = {**OLD, "properties": {**OLD["properties"], "unit_price": {"type": "number"}}}
    required = {**OLD, "required": [*OLD["required"], "currency"],
                "properties": {**OLD["properties"], "currency": {"type": "string"}}}
    nested = {**OLD, "$defs": {"Line": {"type": "object", "properties": {"qty": {"type": "string"}}}}}
    assert breaking_changes(OLD, removed) == ["unit_price: removed"]
    assert breaking_changes(OLD, retyped)[0].startswith("unit_price: type changed")
    assert breaking_changes(OLD, required) == ["currency: newly required"]
    assert breaking_changes(OLD, nested), "a type change inside an array's items is breaking too"


def test_the_checker_accepts_a_new_optional_field() -> None:
    added = {**OLD, "properties": {**OLD["properties"], "note": {"type": "string"}}}
    assert breaking_changes(OLD, added) == []
