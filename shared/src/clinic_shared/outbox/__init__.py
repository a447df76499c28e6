"""The transactional outbox: events commit with the state change, and a relay makes sure they leave."""

from clinic_shared.outbox.relay import OutboxRelay
from clinic_shared.outbox.writer import add_event

__all__ = ["OutboxRelay", "add_event"]
