"""What a service declares: a named subscription, its handlers typed by their event model, and
the event types it deliberately ignores on the topics it reads.

    prices = Subscription("prices")

    @prices.handler
    async def on_price_changed(ctx: MessageContext, event: PriceChanged) -> None: ...

The event class (or a union of classes) is read from the handler's annotation. Each handler runs as a
use case does: the domain events it records on `ctx` (`ctx.track(aggregate)`, `ctx.record(event)`)
are mapped by the subscription's mapper and staged by the consumer policy when it returns, before
the consumer commits (`clinic_shared.outbox.mapper`); the runtime binds its subscriptions to the
service's mapper. A subscription
reads whole topics, so every other type on them must be named in `ignore=`: a type that is neither
handled nor ignored (a producer's new v2, a typo) is dead-lettered with its reason, never skipped.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from clinic_shared.events.base import Event
from clinic_shared.events.envelope import Envelope
from clinic_shared.outbox.mapper import EventMapper
from clinic_shared.outbox.writer import Tx


class PermanentError(Exception):
    """Raise from a handler when retrying cannot help: the message goes to the DLQ at once."""


@dataclass
class MessageContext(Tx):
    """What a handler gets besides the event: the transaction (a `Tx`: session and publish, the same
    as a route's use case gets) and the envelope being handled."""

    envelope: Envelope = field(kw_only=True)


Handler = Callable[[MessageContext, Any], Awaitable[None]]


def _event_classes(annotation: Any) -> list[type[Event]]:
    if isinstance(annotation, type) and issubclass(annotation, Event):
        return [annotation]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [c for arg in typing.get_args(annotation) for c in _event_classes(arg)]
    raise TypeError(f"a handler's event parameter must be typed by Event subclasses, not {annotation!r}")


class Subscription:
    """A named consumer (its own consumer group and inbox) of some event types."""

    def __init__(self, name: str, handlers: dict[type[Event], Handler] | None = None, *,
                 ignore: Iterable[type[Event]] = (), mapper: EventMapper | None = None) -> None:
        self.name = name
        self.mapper = mapper
        # The dict form is the older registration style; `@subscription.handler` is the usual one.
        self.handlers: dict[type[Event], Handler] = dict(handlers or {})
        self.ignored: frozenset[str] = frozenset(cls.TYPE for cls in ignore)
        self._ignored_topics = {cls.TOPIC for cls in ignore}

    def bind(self, mapper: EventMapper) -> Subscription:
        """Map its handlers' recorded events with `mapper` (the service's, bound by its runtime); returns
        it. The subscription stays the one its module declares: binding the same mapper again is a
        no-op, another one is refused."""
        if self.mapper is not None and self.mapper is not mapper:
            raise TypeError(f"subscription {self.name!r} is bound to {self.mapper.service}'s mapper already")
        self.mapper = mapper
        return self

    def handler(self, func: Handler) -> Handler:
        """Register `func` for the event class(es) its second parameter is annotated with."""
        hints = typing.get_type_hints(func)
        params = [p for p in func.__code__.co_varnames[: func.__code__.co_argcount]]
        if len(params) != 2 or params[1] not in hints:
            raise TypeError(f"{func.__name__} must be `async def (ctx: MessageContext, event: SomeEvent)`")
        for cls in _event_classes(hints[params[1]]):
            if cls in self.handlers:
                raise TypeError(f"{cls.__name__} is handled twice in subscription {self.name}")
            self.handlers[cls] = func
        return func

    @property
    def topics(self) -> list[str]:
        return sorted({cls.TOPIC for cls in self.handlers} | self._ignored_topics)

    def handler_for(self, event_type: str) -> tuple[type[Event], Handler] | None:
        for cls, handler in self.handlers.items():
            if event_type == cls.TYPE:
                return cls, handler
        return None
