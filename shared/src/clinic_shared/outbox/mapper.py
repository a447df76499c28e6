"""The one rule for emitting events, and its per-service half: the mapper.

    aggregates record domain events  ->  the unit of work (`Tx`) collects them at the end of the
    use case  ->  the service's `EventMapper` turns each into its integration contract and subject
    ->  the outbox writer stages them, in the same database transaction as the change.

A use case never builds a contract. It changes an aggregate (which appends to its `events` list) and
hands the aggregate to `tx.track(...)`; where a change has no aggregate object (a price row, a
moderation decision), it records the domain event on the transaction itself, `tx.record(...)`. Both
end in the same place: `Tx.publish_recorded()`, run by `ServiceRuntime.transaction()` before it
commits and by the consumer policy after every handler, before the consumer commits.

Each service declares one mapper (`<service>/service_layer/contracts.py`) and registers it in its
`bootstrap.py` (`ServiceRuntime(mapper=...)`). The subject of each contract is declared per domain
event type, next to its mapping: never derived from a class name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from clinic_shared.events.base import Event

E = TypeVar("E")


class RecordsEvents(Protocol):
    """An aggregate: it appends the domain events of its changes to `events`, in order."""

    @property
    def events(self) -> list[Any]: ...


@dataclass(frozen=True)
class _Mapping(Generic[E]):
    to_contract: Callable[[E], Event]
    subject: Callable[[E], str | None]


class EventMapper:
    """Domain event type -> (integration contract, CloudEvent subject), declared once per type.

        contracts = EventMapper("pricing")

        @contracts.maps(domain.DiscountRedeemed, subject="discount_id")
        def _redeemed(e: domain.DiscountRedeemed) -> contract.DiscountRedeemed: ...

    `subject` names the domain event's attribute that is the subject, or is a function of the
    event, or is None (the contract is sent without a subject). A domain event whose exact type has
    no mapping is refused (TypeError): nothing is dropped silently.
    """

    def __init__(self, service: str) -> None:
        self.service = service
        self._mappings: dict[type[Any], _Mapping[Any]] = {}

    def maps(self, event_type: type[E], *, subject: str | Callable[[E], str | None] | None
             ) -> Callable[[Callable[[E], Event]], Callable[[E], Event]]:
        def register(func: Callable[[E], Event]) -> Callable[[E], Event]:
            if event_type in self._mappings:
                raise TypeError(f"{event_type.__name__} is mapped twice in {self.service}'s mapper")
            self._mappings[event_type] = _Mapping(func, _subject_of(subject))
            return func
        return register

    @property
    def event_types(self) -> list[type[Any]]:
        return list(self._mappings)

    def __call__(self, event: object) -> tuple[Event, str | None]:
        mapping = self._mappings.get(type(event))
        if mapping is None:
            raise TypeError(f"{self.service}'s mapper has no contract for the domain event {type(event).__name__}")
        return mapping.to_contract(event), mapping.subject(event)


def _subject_of(subject: str | Callable[[Any], str | None] | None) -> Callable[[Any], str | None]:
    if subject is None:
        return lambda _e: None
    if isinstance(subject, str):
        name = subject
        return lambda e: str(getattr(e, name))
    return subject
