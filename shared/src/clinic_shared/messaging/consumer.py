"""Where handlers find what they are given. The policy itself is `clinic_shared.messaging.policy`."""

from __future__ import annotations

from clinic_shared.messaging.subscription import Handler, MessageContext, PermanentError, Subscription

__all__ = ["Handler", "MessageContext", "PermanentError", "Subscription"]
