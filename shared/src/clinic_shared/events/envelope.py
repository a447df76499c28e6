"""CloudEvents 1.0 in the Kafka protocol binding, binary content mode.

Attributes travel as `ce_*` headers, the value is the JSON event data, `content-type` says so,
and W3C `traceparent`/`tracestate` ride along as plain headers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from clinic_shared.events.base import Event, event_class

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"
Headers = list[tuple[str, bytes]]


class EnvelopeError(ValueError):
    """The message is not a CloudEvent we can read: it goes straight to the DLQ (no retry helps)."""


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    source: str
    time: str
    subject: str | None
    key: str | None
    data: dict[str, Any]
    extra_headers: dict[str, str] = field(default_factory=dict)

    def event(self) -> Event:
        cls = event_class(self.type)
        if cls is None:
            raise EnvelopeError(f"unknown event type {self.type}")
        return cls.model_validate(self.data)


def encode_data(event: Event) -> bytes:
    return event.model_dump_json().encode()


def ce_headers(
    *, event_id: str, event_type: str, source: str, time: datetime | str, subject: str | None,
    trace_headers: dict[str, str] | None = None,
) -> Headers:
    t = time if isinstance(time, str) else time.isoformat()
    headers: Headers = [
        ("ce_specversion", SPECVERSION.encode()),
        ("ce_id", event_id.encode()),
        ("ce_source", source.encode()),
        ("ce_type", event_type.encode()),
        ("ce_time", t.encode()),
        ("content-type", CONTENT_TYPE.encode()),
    ]
    if subject:
        headers.append(("ce_subject", subject.encode()))
    for name in ("traceparent", "tracestate"):
        if trace_headers and trace_headers.get(name):
            headers.append((name, trace_headers[name].encode()))
    return headers


def decode(headers: Headers | None, key: bytes | None, value: bytes | None) -> Envelope:
    try:
        h = {name.lower(): raw.decode() for name, raw in headers or [] if raw is not None}
    except UnicodeDecodeError as exc:
        raise EnvelopeError("a header is not UTF-8") from exc
    missing = [a for a in ("ce_id", "ce_type", "ce_source", "ce_specversion") if not h.get(a)]
    if missing:
        raise EnvelopeError(f"not a CloudEvent: missing {', '.join(missing)}")
    if h["ce_specversion"] != SPECVERSION:
        raise EnvelopeError(f"unsupported specversion {h['ce_specversion']}")
    if h.get("content-type", CONTENT_TYPE).split(";")[0].strip() != CONTENT_TYPE:
        raise EnvelopeError(f"unsupported content-type {h.get('content-type')}")
    try:
        data = json.loads(value or b"")
    except ValueError as exc:
        raise EnvelopeError(f"the value is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise EnvelopeError("the event data must be a JSON object")
    extra = {k: v for k, v in h.items() if not k.startswith("ce_") and k != "content-type"}
    return Envelope(
        id=h["ce_id"], type=h["ce_type"], source=h["ce_source"], time=h.get("ce_time", ""),
        subject=h.get("ce_subject"), key=key.decode(errors="replace") if key is not None else None,
        data=data, extra_headers=extra,
    )
