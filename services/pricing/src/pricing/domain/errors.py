"""Domain errors: a rule of the pricing domain was broken by the caller.

Each is one of the shared application-error kinds (a bad value is `Invalid`, a transition the state
forbids a `Conflict`, a decision the actor may not make `Forbidden`), which the HTTP layer answers
with its 4xx; they never mean the server is broken.
"""

from __future__ import annotations

from clinic_shared.application_errors import Conflict, Forbidden, Invalid


class DomainError(Exception):
    """Base of every error the pricing domain raises on purpose."""


class InvalidValue(DomainError, Invalid):
    """A value given to the domain breaks one of its rules (also a ValueError)."""


class CurrencyMismatchError(InvalidValue):
    """Two amounts in different currencies were combined or compared."""

    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"cannot combine amounts in {left} and {right}")
        self.left = left
        self.right = right


class DiscountStateError(DomainError, Conflict):
    """A discount was asked to make a transition its status does not allow."""


class ReportStateError(DomainError, Conflict):
    """A price-match report was asked to make a transition its status does not allow."""


class DutyError(DomainError, Forbidden):
    """Separation of duties: the actor may not decide this (their own report, their own customer id)."""
