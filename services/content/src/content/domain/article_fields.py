"""Checks and normal forms for an article's fields; each raises ArticleValidationError naming the field."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from content.domain.errors import ArticleValidationError
from content.domain.slugs import validate_slug

TITLE_MAX = 200
SUMMARY_MAX = 500
MARKDOWN_MAX = 200_000
PERSON_MAX = 200
SKU_MAX = 64
_SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]*")


def text(field: str, value: object, max_length: int) -> str:
    """``value`` trimmed; it must be a non-empty string of at most ``max_length`` characters."""
    if not isinstance(value, str) or not value.strip():
        raise ArticleValidationError(field, "is required")
    value = value.strip()
    if len(value) > max_length:
        raise ArticleValidationError(field, f"must be at most {max_length} characters, got {len(value)}")
    return value


def optional_text(field: str, value: object, max_length: int) -> str | None:
    """Like :func:`text`, but ``None`` or blank means absent."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return text(field, value, max_length)


def slugs(field: str, values: Iterable[str]) -> list[str]:
    """Distinct slugs in the order given (conditions and tags are slugs)."""
    if isinstance(values, str):
        raise ArticleValidationError(field, "must be a list of slugs, not one string")
    return list(dict.fromkeys(validate_slug(value, field) for value in values))


def skus(values: Iterable[str]) -> list[str]:
    """Distinct SKU codes in the order given."""
    if isinstance(values, str):
        raise ArticleValidationError("related_skus", "must be a list of SKU codes, not one string")
    checked: list[str] = []
    for value in values:
        if not isinstance(value, str) or len(value) > SKU_MAX or not _SKU.fullmatch(value):
            raise ArticleValidationError("related_skus", f"{value!r} is not a SKU code")
        checked.append(value)
    return list(dict.fromkeys(checked))


def aware(field: str, value: datetime | None) -> datetime | None:
    """``value`` if it is ``None`` or a timezone-aware datetime."""
    if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
        raise ArticleValidationError(field, "must be a timezone-aware datetime")
    return value
