"""Domain errors become HTTP problems: a broken rule is the caller's 4xx, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from clinic_shared.errors import Problem
from content.domain.errors import ArticleStateError, FieldError, SeedImportError


@contextmanager
def domain_problems() -> Iterator[None]:
    try:
        yield
    except FieldError as exc:
        raise Problem(422, "Invalid request", f"{exc.field}: {exc.message}", field=exc.field) from None
    except ArticleStateError as exc:
        raise Problem(409, "Conflict", f"{exc}.") from None
    except SeedImportError as exc:
        raise Problem(422, "Invalid request", str(exc)) from None


def not_found(what: str) -> Problem:
    return Problem(404, "Not Found", what)
