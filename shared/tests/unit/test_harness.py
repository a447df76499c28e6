"""`deliver` runs a handler through the real consumer policy (SQLite, no Kafka) and says what it did."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from clinic_shared.db import INBOX, sessionmaker
from clinic_shared.events.envelope import decode
from clinic_shared.events.pricing import DiscountGranted, PriceChanged
from clinic_shared.events.topics import PRICING_PRICE
from clinic_shared.messaging.subscription import MessageContext, Subscription
from clinic_shared.testing.harness import RecordingProducer, consumer_record, deliver

PRICE = PriceChanged(sku="A", unit_price=1250, currency="USD", version=3)


@pytest.fixture
async def sessions() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    async with engine.begin() as conn:
        await conn.run_sync(INBOX.metadata.create_all)
    yield sessionmaker(engine)
    await engine.dispose()


def test_the_record_carries_our_cloudevent_headers_key_and_data() -> None:
    record = consumer_record(PRICE, event_id="e-1")
    envelope = decode(record.headers, record.key, record.value)
    assert (envelope.id, envelope.type, envelope.source, envelope.key) == ("e-1", PRICE.TYPE, "/test", "A")
    assert PriceChanged.model_validate(envelope.data) == PRICE


async def test_a_redelivery_is_a_duplicate_and_the_handler_runs_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    seen: list[tuple[str, int]] = []
    prices = Subscription("prices")

    @prices.handler
    async def on_price(ctx: MessageContext, event: PriceChanged) -> None:
        seen.append((ctx.envelope.id, event.unit_price))

    assert await deliver(prices, PRICE, sessions=sessions, event_id="e-1") == "processed"
    assert await deliver(prices, PRICE, sessions=sessions, event_id="e-1") == "duplicate"
    assert await deliver(prices, PRICE, sessions=sessions) == "processed"
    assert seen[0] == ("e-1", 1250) and len(seen) == 2


async def test_ignored_unknown_unreadable_and_failing_events(sessions: async_sessionmaker[AsyncSession]) -> None:
    calls = 0
    prices = Subscription("prices", ignore=[DiscountGranted])

    @prices.handler
    async def on_price(ctx: MessageContext, event: PriceChanged) -> None:
        nonlocal calls
        calls += 1
        if event.sku == "FAILS":
            raise RuntimeError("a handler bug")

    letters = RecordingProducer()
    granted = DiscountGranted.model_validate({
        "customer_id": "c", "sku": "A", "discount_id": "d", "report_id": "r", "amount_off": 1, "final_unit_price": 1,
        "currency": "USD", "expires_at": "2030-01-01T00:00:00+00:00"})
    assert await deliver(prices, granted, sessions=sessions, producer=letters) == "ignored"
    assert await deliver(prices, PRICE, sessions=sessions, producer=letters,
                         event_type="clinic.pricing.price-changed.v9") == "dead_lettered"
    assert await deliver(prices, PRICE, sessions=sessions, producer=letters, value=b"{not json") == "dead_lettered"
    assert calls == 0
    failing = PRICE.model_copy(update={"sku": "FAILS"})
    assert await deliver(prices, failing, sessions=sessions, producer=letters) == "dead_lettered"
    assert calls == 3  # the policy's retries, then the DLQ
    assert [(t, h["dlq_error"].decode().split(":")[0]) for t, h in letters.sent] == [
        (PRICING_PRICE + ".dlq", "PermanentError"), (PRICING_PRICE + ".dlq", "EnvelopeError"),
        (PRICING_PRICE + ".dlq", "RuntimeError")]


async def test_a_subscription_needs_the_sessions() -> None:
    with pytest.raises(TypeError, match="sessions"):
        await deliver(Subscription("prices"), PRICE)
