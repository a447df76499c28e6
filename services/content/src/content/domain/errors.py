"""Domain errors: a rule of the content domain was broken by the caller.

The HTTP layer maps these to 4xx answers (409 for state errors, 422 for bad values);
they never mean the server is broken.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the content domain raises on purpose."""


class FieldError(DomainError, ValueError):
    """A value given for one named field is not acceptable; ``message`` says why, for people."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ArticleValidationError(FieldError):
    """An article field (slug, title, conditions, ...) has a value the article cannot take."""


class CommentValidationError(FieldError):
    """A submitted comment field (author_name, email, website, body) is missing or malformed."""


class ArticleStateError(DomainError):
    """An article was asked to make a transition its status does not allow."""


class SeedImportError(DomainError, ValueError):
    """The page text given to the importer has no recognisable article in it."""
