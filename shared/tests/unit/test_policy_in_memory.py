"""The consumer policy's dispatch on FastStream's in-memory TestKafkaBroker (no broker, SQLite):
typed handlers get their event model, declared types are ignored, unknown ones dead-lettered,
and a redelivery changes nothing. Commits, rewinds and rebalances are tested on the real broker."""

from __future__ import annotations

import uuid

from faststream.kafka import TestKafkaBroker
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from clinic_shared.db import INBOX, sessionmaker
from clinic_shared.events.envelope import ce_headers
from clinic_shared.events.pricing import DiscountGranted, PriceChanged
from clinic_shared.events.topics import PRICING_PRICE
from clinic_shared.messaging.kafka import new_broker
from clinic_shared.messaging.policy import ConsumerPolicy
from clinic_shared.messaging.subscription import MessageContext, Subscription
from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.harness import RecordingProducer


def _headers(event_type: str, event_id: str) -> dict[str, str]:
    return {k: v.decode() for k, v in ce_headers(event_id=event_id, event_type=event_type, source="/t",
                                                  time="2026-12-01T00:00:00+00:00", subject=None)}


async def test_typed_handlers_ignored_and_unknown_types_on_the_in_memory_broker() -> None:
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    async with engine.begin() as conn:
        await conn.run_sync(INBOX.metadata.create_all)
    seen: list[PriceChanged] = []
    prices = Subscription("prices", ignore=[])

    @prices.handler
    async def on_price_changed(ctx: MessageContext, event: PriceChanged) -> None:
        seen.append(event)

    producer = RecordingProducer()
    settings = ServiceSettings(environment="test")
    broker = new_broker(settings, "t")
    policy = ConsumerPolicy(service="t", subscription=prices, sessions=sessionmaker(engine), producer=producer,
                            max_attempts=2, backoff_seconds=0.01)
    policy.register(broker, settings)
    price = PriceChanged(sku="A", unit_price=1250, currency="USD", version=3)
    async with TestKafkaBroker(broker) as test_broker:
        same_id = str(uuid.uuid4())
        for _ in range(2):  # a redelivery: the inbox drops it
            await test_broker.publish(price.model_dump_json().encode(), PRICING_PRICE, key=b"A",
                                      headers=_headers(price.TYPE, same_id))
        await test_broker.publish(price.model_dump_json().encode(), PRICING_PRICE, key=b"A",
                                  headers=_headers("clinic.pricing.price-changed.v2", str(uuid.uuid4())))
    assert [type(e) for e in seen] == [PriceChanged]
    assert seen[0].unit_price == 1250
    assert [(t, h["dlq_error"].decode()[:53]) for t, h in producer.sent] == [
        (PRICING_PRICE + ".dlq", "PermanentError: unknown event type clinic.pricing.pri")]
    async with sessionmaker(engine)() as s:
        assert len((await s.execute(select(INBOX))).all()) == 1
    await engine.dispose()


def test_a_handler_is_registered_for_every_class_of_its_annotation() -> None:
    sub = Subscription("x")

    @sub.handler
    async def on_either(ctx: MessageContext, event: PriceChanged | DiscountGranted) -> None: ...

    assert set(sub.handlers) == {PriceChanged, DiscountGranted}
    assert sub.topics == sorted({PriceChanged.TOPIC, DiscountGranted.TOPIC})


def test_a_loop_inside_one_batch_too_long_is_reported_stuck_and_an_outage_wait_is_not() -> None:
    import time

    from prometheus_client import REGISTRY

    policy = ConsumerPolicy(service="t", subscription=Subscription("health", ignore=[PriceChanged]), sessions=None,  # type: ignore[arg-type]
                            producer=None)
    policy.register(new_broker(ServiceSettings(environment="test"), "t"), ServiceSettings(environment="test"))
    assert policy.health(60) == "starting"
    policy.started = True
    assert policy.health(60) == "ok"
    policy.busy_since = time.monotonic() - 90
    assert policy.health(60).startswith("stuck for 9")
    assert REGISTRY.get_sample_value("clinic_consumer_stuck", {"service": "t", "consumer": "t.health"}) == 0.0
    policy._stuck_after = 60
    assert REGISTRY.get_sample_value("clinic_consumer_stuck", {"service": "t", "consumer": "t.health"}) == 1.0
    assert REGISTRY.get_sample_value("clinic_consumer_heartbeat_age_seconds",
                                     {"service": "t", "consumer": "t.health"}) >= 90  # type: ignore[operator]
    policy.waiting_for = "database"
    assert policy.health(60) == "waiting for the database"
    assert REGISTRY.get_sample_value("clinic_consumer_stuck", {"service": "t", "consumer": "t.health"}) == 0.0
