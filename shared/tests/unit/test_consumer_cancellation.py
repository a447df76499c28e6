"""Stopping a consumer while a handler runs cancels the handler; the retry policy must not swallow that."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import create_async_engine

from clinic_shared.db import INBOX, sessionmaker
from clinic_shared.events.pricing import PriceChanged
from clinic_shared.messaging.policy import ConsumerPolicy
from clinic_shared.messaging.subscription import MessageContext, Subscription
from clinic_shared.testing.harness import deliver


async def test_a_cancelled_handler_is_not_retried_so_stopping_never_hangs() -> None:
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    async with engine.begin() as conn:
        await conn.run_sync(INBOX.metadata.create_all)
    calls = 0

    async def slow(ctx: MessageContext, event: object) -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(30)

    consumer = ConsumerPolicy(service="t", subscription=Subscription("s", {PriceChanged: slow}),
                              sessions=sessionmaker(engine), producer=None, max_attempts=5, backoff_seconds=0.01)
    event = PriceChanged(sku="A", unit_price=1, currency="USD", version=1)
    task = asyncio.ensure_future(deliver(consumer, event))
    await asyncio.sleep(0.2)
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=2)
    await engine.dispose()
    assert done, "the cancelled handler was retried instead of stopping"
    assert task.cancelled() and calls == 1
