"""Versioned event contracts: one source of truth, exported as JSON Schema into shared/schemas/."""

from clinic_shared.events.base import Event, all_event_classes, event_class, utcnow

__all__ = ["Event", "all_event_classes", "event_class", "utcnow"]
