"""Domain errors: a rule of the pricing domain was broken by the caller.

The HTTP layer maps these to 4xx answers (409 for state errors, 422 for bad values);
they never mean the server is broken.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the pricing domain raises on purpose."""


class CurrencyMismatchError(DomainError, ValueError):
    """Two amounts in different currencies were combined or compared."""

    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"cannot combine amounts in {left} and {right}")
        self.left = left
        self.right = right


class DiscountStateError(DomainError):
    """A discount was asked to make a transition its status does not allow."""


class ReportStateError(DomainError):
    """A price-match report was asked to make a transition its status does not allow."""


class DutyError(DomainError):
    """Separation of duties: the actor may not decide this (their own report, their own customer id)."""
