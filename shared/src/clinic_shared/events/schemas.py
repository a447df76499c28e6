"""JSON Schemas of the event contracts: exported into shared/schemas/, and checked for compatibility.

`python -m clinic_shared.events.schemas` writes them. A published schema may gain optional fields;
removing a field, changing its type, or adding a required field is a breaking change that needs a
new event version (a new TYPE ending in .v2).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from clinic_shared.events.base import all_event_classes


def current_schemas() -> dict[str, dict[str, Any]]:
    return {t: cls.model_json_schema() for t, cls in all_event_classes().items()}


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref and ref.startswith("#/$defs/"):
        return _resolve(root["$defs"][ref.split("/")[-1]], root)
    return schema


def _types(schema: dict[str, Any], root: dict[str, Any]) -> Any:
    s = _resolve(schema, root)
    if "anyOf" in s:
        return sorted(json.dumps(_types(x, root), sort_keys=True) for x in s["anyOf"])
    if s.get("type") == "array":
        return ["array", _types(s.get("items", {}), root)]
    if s.get("type") == "object" or "properties" in s:
        return {k: _types(v, root) for k, v in s.get("properties", {}).items()}
    return [s.get("type"), s.get("format")]


def breaking_changes(old: dict[str, Any], new: dict[str, Any], path: str = "") -> list[str]:
    """What in `new` breaks a reader or writer of `old` (field removed, type changed, new required)."""
    problems: list[str] = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name, old_field in old_props.items():
        if name not in new_props:
            problems.append(f"{path}{name}: removed")
            continue
        old_t, new_t = _types(old_field, old), _types(new_props[name], new)
        if isinstance(old_t, dict) and isinstance(new_t, dict):
            problems += breaking_changes(_resolve(old_field, old) | {"$defs": old.get("$defs", {})},
                                         _resolve(new_props[name], new) | {"$defs": new.get("$defs", {})},
                                         f"{path}{name}.")
        elif old_t != new_t:
            problems.append(f"{path}{name}: type changed from {old_t} to {new_t}")
    for name in set(new.get("required", [])) - set(old.get("required", [])):
        problems.append(f"{path}{name}: newly required")
    return problems


def schema_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "schemas"


def export(target: Path | None = None) -> list[Path]:
    target = target or schema_dir()
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for event_type, schema in current_schemas().items():
        path = target / f"{event_type}.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in export():
        print(p, file=sys.stderr)
