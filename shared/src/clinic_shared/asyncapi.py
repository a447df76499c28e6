"""AsyncAPI 3.0 documents, generated from the event registry (one source of truth)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clinic_shared.events.base import Event

if TYPE_CHECKING:
    from clinic_shared.runtime import ServiceRuntime

CE_HEADERS = {
    "type": "object",
    "required": ["ce_id", "ce_source", "ce_type", "ce_specversion", "content-type"],
    "properties": {
        "ce_id": {"type": "string"}, "ce_source": {"type": "string"}, "ce_type": {"type": "string"},
        "ce_specversion": {"const": "1.0"}, "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string"}, "content-type": {"const": "application/json"},
        "traceparent": {"type": "string"}, "tracestate": {"type": "string"},
    },
}


def _message(cls: type[Event], schemas: dict[str, Any]) -> dict[str, Any]:
    schema = cls.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schema.pop("$defs", {}))
    return {
        "name": cls.TYPE, "title": cls.__name__, "summary": (cls.__doc__ or "").strip().split("\n")[0],
        "contentType": "application/json", "headers": CE_HEADERS, "payload": schema,
        "bindings": {"kafka": {"key": {"type": "string", "description": f"the event's {cls.KEY_FIELD}"}}},
    }


def asyncapi_document(runtime: ServiceRuntime) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}

    def add(cls: type[Event], action: str) -> None:
        messages[cls.__name__] = _message(cls, schemas)
        channel = channels.setdefault(cls.TOPIC, {"address": cls.TOPIC, "messages": {}})
        channel["messages"][cls.__name__] = {"$ref": f"#/components/messages/{cls.__name__}"}
        op_id = f"{action}{cls.__name__}"
        operations[op_id] = {
            "action": action, "channel": {"$ref": f"#/channels/{cls.TOPIC}"},
            "messages": [{"$ref": f"#/channels/{cls.TOPIC}/messages/{cls.__name__}"}],
        }

    for cls in runtime.publishes:
        add(cls, "send")
    for sub in runtime.subscriptions:
        for cls in sub.handlers:
            add(cls, "receive")
    return {
        "asyncapi": "3.0.0",
        "info": {"title": f"{runtime.service} events", "version": "1.0.0",
                 "description": "CloudEvents 1.0, Kafka binding, binary mode; keys keep order per aggregate."},
        "defaultContentType": "application/json",
        "servers": {"kafka": {"host": runtime.settings.kafka_bootstrap_servers, "protocol": "kafka"}},
        "channels": channels, "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
