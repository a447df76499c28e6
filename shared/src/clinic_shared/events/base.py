"""The base of every event contract, and the one registry of event types and their topics."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

_REGISTRY: dict[str, type[Event]] = {}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """An integration event. Subclasses set TYPE (versioned), TOPIC and KEY_FIELD.

    Consumers ignore fields they do not know (additive changes are compatible); a breaking change
    needs a new TYPE version and a new class.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    TYPE: ClassVar[str]
    TOPIC: ClassVar[str]
    KEY_FIELD: ClassVar[str]

    occurred_at: datetime = Field(default_factory=utcnow)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        event_type = cls.__dict__.get("TYPE")
        if event_type:
            if event_type in _REGISTRY and _REGISTRY[event_type] is not cls:
                raise TypeError(f"event type {event_type} registered twice")
            _REGISTRY[event_type] = cls

    @property
    def kafka_key(self) -> str:
        return str(getattr(self, self.KEY_FIELD))


def event_class(event_type: str) -> type[Event] | None:
    return _REGISTRY.get(event_type)


def all_event_classes() -> dict[str, type[Event]]:
    # Importing the contract modules fills the registry.
    from clinic_shared.events import cart, catalog, content, pricing  # noqa: F401

    return {t: c for t, c in sorted(_REGISTRY.items()) if c.__module__.startswith("clinic_shared.events.")}
