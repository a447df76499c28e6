"""What others see of our events: valid CloudEvents for the CNCF SDK, and one trace end to end."""

from __future__ import annotations

from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.plugin import eventually, read_topic, running

from .notes_service import NoteWritten, build, effect_count


async def test_cncf_cloudevents_sdk_reads_our_kafka_messages(notes_settings: ServiceSettings) -> None:
    runtime, app = build(notes_settings, consume=False)
    async with running(app) as client:
        response = await client.post("/notes/n1", params={"key": "key-1", "text": "for the sdk"})
        assert response.status_code == 200
        topic = notes_settings.kafka_topic_prefix + NoteWritten.TOPIC
        [record] = await read_topic(notes_settings.kafka_bootstrap_servers, topic, expect=1)
    message = KafkaMessage(headers={k: v for k, v in record.headers}, key=record.key, value=record.value)
    event = from_binary_event(message)
    assert event.get_type() == "clinic.test.note-written.v1"
    assert event.get_source() == "/notes"
    assert event.get_specversion() == "1.0"
    assert event.get_id() == dict(record.headers)["ce_id"].decode()
    assert event.get_data()["note_id"] == "n1"
    assert event.get_data()["text"] == "for the sdk"
    assert event.get_extension("partitionkey") == "key-1"


async def test_trace_started_by_http_request_continues_through_outbox_and_kafka_into_the_consumer(
    notes_settings: ServiceSettings, spans: InMemorySpanExporter,
) -> None:
    runtime, app = build(notes_settings)
    async with running(app) as client:
        assert (await client.post("/notes/traced")).status_code == 200
        await eventually(lambda: effect_count(runtime, "traced"))
    finished = spans.get_finished_spans()
    server = [s for s in finished if s.kind == SpanKind.SERVER and "/notes/" in s.name]
    producer = [s for s in finished if s.kind == SpanKind.PRODUCER and s.name.endswith("publish")]
    consumer = [s for s in finished if s.kind == SpanKind.CONSUMER and s.name.endswith("process")]
    assert server and producer and consumer, [s.name for s in finished]
    trace_id = server[0].context.trace_id
    assert producer[0].context.trace_id == trace_id
    assert consumer[0].context.trace_id == trace_id
    assert consumer[0].parent is not None and consumer[0].parent.span_id == producer[0].context.span_id
    db_spans = [s for s in finished if s.attributes and s.attributes.get("db.system") == "postgresql"
                and s.context.trace_id == trace_id]
    assert db_spans, "the consumer's and the request's database work belongs to the same trace"
