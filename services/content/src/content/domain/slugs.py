"""Slugs: the lowercase, hyphenated names used in URLs and as condition and tag keys."""

from __future__ import annotations

import re
import unicodedata

from content.domain.errors import ArticleValidationError

SLUG_MAX_LENGTH = 120
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def is_slug(value: object) -> bool:
    """True if ``value`` is lowercase letters and digits in words joined by single hyphens."""
    return isinstance(value, str) and len(value) <= SLUG_MAX_LENGTH and bool(_SLUG.fullmatch(value))


def validate_slug(value: object, field: str = "slug") -> str:
    """Return ``value`` if it is a slug, else raise :class:`ArticleValidationError` for ``field``."""
    if not is_slug(value):
        raise ArticleValidationError(
            field,
            f"must be 1-{SLUG_MAX_LENGTH} lowercase letters, digits and single hyphens "
            f"(like 'ketamine-treatment'), got {value!r}",
        )
    assert isinstance(value, str)
    return value


def slugify(text: str, max_length: int = 100) -> str:
    """A slug made from ``text``: accents folded, words joined by hyphens, cut at a word boundary.

    >>> slugify("Post-Traumatic Stress Disorder (PTSD)")
    'post-traumatic-stress-disorder-ptsd'
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = _NOT_ALNUM.sub("-", folded).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
    if not slug:
        raise ArticleValidationError("slug", f"cannot make a slug from {text!r}")
    return slug
