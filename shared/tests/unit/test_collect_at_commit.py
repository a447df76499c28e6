"""The one rule for emitting events: aggregates record domain events, the transaction collects them at
the end of the use case and stages them through the service's mapper, in the same database transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from clinic_shared import db
from clinic_shared.events.pricing import PriceChanged
from clinic_shared.messaging.subscription import MessageContext, Subscription
from clinic_shared.outbox.mapper import EventMapper
from clinic_shared.outbox.writer import Tx
from clinic_shared.testing.harness import deliver


@dataclass(frozen=True)
class Repriced:  # a domain event: plain, no contract in sight
    sku: str
    unit_price: int


@dataclass
class Sku:  # an aggregate
    sku: str
    unit_price: int = 100
    events: list[Any] = field(default_factory=list)

    def reprice(self, unit_price: int) -> None:
        self.unit_price = unit_price
        self.events.append(Repriced(self.sku, unit_price))


mapper = EventMapper("pricing")


@mapper.maps(Repriced, subject="sku")
def _repriced(e: Repriced) -> PriceChanged:
    return PriceChanged(sku=e.sku, unit_price=e.unit_price, currency="USD", version=1)


@pytest.fixture
async def sessions() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    async with engine.begin() as conn:
        await conn.run_sync(db.OUTBOX.metadata.create_all)
    yield db.sessionmaker(engine)
    await engine.dispose()


async def _outbox(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, str | None, str]]:
    async with sessions() as s:
        rows = (await s.execute(select(db.OUTBOX.c.key, db.OUTBOX.c.subject, db.OUTBOX.c.payload)
                                .order_by(db.OUTBOX.c.id))).all()
    return [(r.key, r.subject, r.payload) for r in rows]


async def test_tracked_aggregates_are_published_once_in_order_at_the_end(sessions: Any) -> None:
    a, b = Sku("a"), Sku("b")
    async with sessions() as session, session.begin():
        tx = Tx(session, "/pricing", mapper=mapper)
        tx.track(a).reprice(110)
        tx.track(b).reprice(210)
        tx.track(a).reprice(120)  # tracked twice is tracked once
        assert await _outbox(sessions) == []  # nothing staged before the end of the use case
        ids = await tx.publish_recorded()
        assert await tx.publish_recorded() == []  # collected once: the aggregates' lists are emptied
    assert len(ids) == 3 and a.events == [] and b.events == []
    assert [(k, s) for k, s, _ in await _outbox(sessions)] == [("a", "a"), ("a", "a"), ("b", "b")]
    assert '"unit_price":120' in (await _outbox(sessions))[1][2]


async def test_an_event_without_an_aggregate_is_recorded_on_the_transaction(sessions: Any) -> None:
    async with sessions() as session, session.begin():
        tx = Tx(session, "/pricing", mapper=mapper)
        tx.record(Repriced("c", 5))
        await tx.publish_recorded()
    assert [(k, s) for k, s, _ in await _outbox(sessions)] == [("c", "c")]


async def test_a_rolled_back_use_case_publishes_nothing(sessions: Any) -> None:
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            tx = Tx(session, "/pricing", mapper=mapper)
            tx.track(Sku("a")).reprice(1)
            await tx.publish_recorded()
            raise RuntimeError("the use case fails after its change")
    assert await _outbox(sessions) == []


async def test_unmapped_events_and_a_missing_mapper_are_refused(sessions: Any) -> None:
    async with sessions() as session:
        tx = Tx(session, "/pricing")
        tx.record(Repriced("a", 1))
        with pytest.raises(TypeError, match="no event mapper"):
            await tx.publish_recorded()
        tx = Tx(session, "/pricing", mapper=mapper)
        tx.record(object())
        with pytest.raises(TypeError, match="no contract for the domain event object"):
            await tx.publish_recorded()
    with pytest.raises(TypeError, match="mapped twice"):
        mapper.maps(Repriced, subject=None)(_repriced)


def _repricing() -> Subscription:
    prices = Subscription("prices")

    @prices.handler
    async def on_price(ctx: MessageContext, event: PriceChanged) -> None:
        ctx.track(Sku(event.sku)).reprice(event.unit_price + 1)

    return prices


async def test_a_handler_s_recorded_events_are_staged_before_the_consumer_commits(sessions: Any) -> None:
    event = PriceChanged(sku="h", unit_price=10, currency="USD", version=1)
    prices = _repricing()
    assert prices.bind(mapper) is prices and prices.bind(mapper) is prices  # the same subscription, bound once
    assert await deliver(prices, event, sessions=sessions, service="pricing") == "processed"
    assert [(k, s) for k, s, _ in await _outbox(sessions)] == [("h", "h")]
    assert '"unit_price":11' in (await _outbox(sessions))[0][2]
    with pytest.raises(TypeError, match="bound to pricing's mapper already"):
        prices.bind(EventMapper("cart"))
    # Unbound (no service registered a mapper for it), the recorded event is refused, never dropped.
    assert await deliver(_repricing(), event, sessions=sessions, service="pricing") == "dead_lettered"
    assert len(await _outbox(sessions)) == 1
