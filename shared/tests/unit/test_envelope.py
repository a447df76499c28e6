"""The CloudEvents envelope: what we write, we and the CNCF SDK can read; what is not one, we refuse."""

from __future__ import annotations

import json

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from clinic_shared.events.envelope import EnvelopeError, ce_headers, decode
from clinic_shared.events.pricing import DiscountGranted


def _granted() -> DiscountGranted:
    return DiscountGranted(customer_id="c1", sku="TROCHE-30D-100", discount_id="d1", report_id="r1", amount_off=5980,
                           final_unit_price=13920, currency="USD", expires_at="2026-12-25T00:00:00Z")


def test_headers_and_value_round_trip_to_the_same_event() -> None:
    event = _granted()
    headers = ce_headers(event_id="e1", event_type=event.TYPE, source="/pricing", time=event.occurred_at,
                         subject="r1", trace_headers={"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"})
    envelope = decode(headers, b"c1", event.model_dump_json().encode())
    assert envelope.id == "e1" and envelope.type == "clinic.pricing.discount-granted.v1"
    assert envelope.event() == event
    assert envelope.extra_headers["traceparent"].startswith("00-1111")


def test_the_cncf_sdk_reads_the_envelope_with_type_source_id_and_data() -> None:
    event = _granted()
    headers = ce_headers(event_id="e2", event_type=event.TYPE, source="/pricing", time=event.occurred_at, subject=None)
    ce = from_binary_event(KafkaMessage(headers=dict(headers), key=b"c1", value=event.model_dump_json().encode()))
    assert (ce.get_type(), ce.get_source(), ce.get_id()) == (event.TYPE, "/pricing", "e2")
    assert ce.get_data()["amount_off"] == 5980


@pytest.mark.parametrize(
    ("headers", "value", "why"),
    [
        ([], b"{}", "missing ce_id"),
        ([("ce_id", b"1"), ("ce_type", b"t"), ("ce_source", b"/s"), ("ce_specversion", b"0.3")], b"{}", "specversion"),
        ([("ce_id", b"1"), ("ce_type", b"t"), ("ce_source", b"/s"), ("ce_specversion", b"1.0")], b"[1]", "JSON object"),
        ([("ce_id", b"1"), ("ce_type", b"t"), ("ce_source", b"/s"), ("ce_specversion", b"1.0")], b"{x", "not JSON"),
        ([("ce_id", b"\xff"), ("ce_type", b"t"), ("ce_source", b"/s"), ("ce_specversion", b"1.0")], b"{}", "UTF-8"),
        ([("ce_id", b"1"), ("ce_type", b"t"), ("ce_source", b"/s"), ("ce_specversion", b"1.0"),
          ("content-type", b"text/plain")], b"{}", "content-type"),
    ],
)
def test_what_is_not_a_cloudevent_we_read_is_refused_with_the_reason(headers: list, value: bytes, why: str) -> None:
    with pytest.raises(EnvelopeError, match=why):
        decode(headers, None, value)


def test_an_unknown_type_or_invalid_data_cannot_become_an_event() -> None:
    base = [("ce_id", b"1"), ("ce_source", b"/s"), ("ce_specversion", b"1.0")]
    with pytest.raises(EnvelopeError, match="unknown event type"):
        decode([*base, ("ce_type", b"clinic.nope.v1")], None, b"{}").event()
    bad = json.dumps({"customer_id": "c1", "sku": "x"}).encode()
    with pytest.raises(ValueError, match="discount_id"):
        decode([*base, ("ce_type", DiscountGranted.TYPE.encode())], None, bad).event()
