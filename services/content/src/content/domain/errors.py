"""Domain errors: a rule of the content domain was broken by the caller.

Each is one of the shared application-error kinds (a bad value is `Invalid`, a transition the state
forbids a `Conflict`), which the HTTP layer answers with its 4xx; they never mean the server is broken.
"""

from __future__ import annotations

from clinic_shared.application_errors import Conflict, Invalid


class DomainError(Exception):
    """Base of every error the content domain raises on purpose."""


class FieldError(DomainError, Invalid):
    """A value given for one named field is not acceptable; ``message`` says why, for people.
    The answer names the field (``field`` in the problem document)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", field=field)
        self.field = field
        self.message = message


class ArticleValidationError(FieldError):
    """An article field (slug, title, conditions, ...) has a value the article cannot take."""


class CommentValidationError(FieldError):
    """A submitted comment field (author_name, email, website, body) is missing or malformed."""


class ArticleStateError(DomainError, Conflict):
    """An article was asked to make a transition its status does not allow."""


class SeedImportError(DomainError, Invalid):
    """The page text given to the importer has no recognisable article in it."""
