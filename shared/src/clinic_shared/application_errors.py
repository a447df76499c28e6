"""The errors a use case or a domain rule raises on purpose, in words, without knowing about HTTP.

Plain Python: no web framework is imported here, so domain and service-layer code can raise these
and stay testable without one. Each kind says what went wrong for the caller (the thing is not
there, it conflicts with the current state, the value is not acceptable, ...); the HTTP layer turns
each kind into its status and a problem+json document in one place
(`clinic_shared.errors.install_error_handlers`), so no service has its own translation.

A service's own error classes subclass one of these kinds (`class CartClosed(Conflict)`); an error
that derives from two kinds answers as the one listed first among its bases (Python's method
resolution order), so `class LineNotFound(NotFound, CartError)` is a "not found" even though every
other `CartError` is a conflict.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ApplicationError(Exception):
    """A refusal the caller can understand and act on; never a bug.

    `detail` is the sentence shown to the caller. `title` is a short summary: each kind has its
    `default_title`, and a use case may name the refusal more precisely ("Checkout refused"). `code` is
    an optional stable machine-readable name, and `details` optional extra members of the answer
    (`field="slug"`, `order_id=...`): both are added to the problem document as they are given.
    """

    default_title: ClassVar[str] = "Error"

    def __init__(self, detail: str, *, title: str | None = None, code: str | None = None, **details: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.title = title or type(self).default_title
        self.code = code
        self.details = details


class NotFound(ApplicationError):
    """The thing asked for does not exist, or the caller may not know that it does."""

    default_title = "Not Found"


class Conflict(ApplicationError):
    """The request is well formed but the current state refuses it (already used, changed meanwhile, ...)."""

    default_title = "Conflict"


class Invalid(ApplicationError, ValueError):
    """A value the caller gave breaks a rule. Also a ValueError, so code that checks values keeps working."""

    default_title = "Invalid request"


class Unauthorized(ApplicationError):
    """The caller did not say who they are (no or unusable credentials)."""

    default_title = "Unauthorized"


class Forbidden(ApplicationError):
    """The caller is known but may not do this."""

    default_title = "Forbidden"


class Unavailable(ApplicationError):
    """Something this service needs does not answer now; the same request may succeed later."""

    default_title = "Service Unavailable"


class UpstreamFailed(ApplicationError):
    """A provider this request depends on (a payment provider, ...) failed to do its part."""

    default_title = "Bad Gateway"


KINDS: tuple[type[ApplicationError], ...] = (NotFound, Conflict, Invalid, Unauthorized, Forbidden, Unavailable,
                                             UpstreamFailed)


def kind_of(exc: ApplicationError) -> type[ApplicationError] | None:
    """The first of the kinds above in the error's method resolution order (None: a bare ApplicationError)."""
    return next((cls for cls in type(exc).__mro__ if cls in KINDS), None)
