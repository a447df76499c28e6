"""A comment as submitted, its validation, and the keys that identify a commenter and a body.

The email is needed to match a commenter across comments, never to be shown: the service
stores it, but matches by :func:`email_hash` (keyed with a server-side pepper) so the hash can
be used in queries and indexes without revealing the address.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit
from uuid import UUID

from content.domain.errors import CommentValidationError

AUTHOR_NAME_MAX = 100
BODY_MAX = 5000
EMAIL_MAX = 254
WEBSITE_MAX = 2048
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINK = re.compile(r"(?:https?://|\bwww\.)\S+", re.IGNORECASE)


@dataclass(frozen=True)
class NewComment:
    """A comment as a reader submitted it. ``honeypot`` is the hidden form field humans leave empty."""

    author_name: str
    email: str
    body: str
    website: str | None = None
    honeypot: str = ""
    parent_id: UUID | None = None


def _check_email(email: str) -> str:
    email = email.strip()
    if not email:
        raise CommentValidationError("email", "is required")
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email) or ".." in email.split("@")[0]:
        raise CommentValidationError("email", "must look like name@example.com")
    return email


def _check_website(website: str | None) -> str | None:
    website = (website or "").strip()
    if not website:
        return None
    message = "must be an http:// or https:// address, like https://example.com"
    if len(website) > WEBSITE_MAX or _CONTROL.search(website) or " " in website:
        raise CommentValidationError("website", message)
    try:
        parts = urlsplit(website)
        host = parts.hostname
    except ValueError:
        raise CommentValidationError("website", message) from None
    if parts.scheme.lower() not in {"http", "https"} or not host:
        raise CommentValidationError("website", message)
    return website


def validate_comment(comment: NewComment) -> NewComment:
    """``comment`` with its fields trimmed (and line endings of the body normalised).

    Raises :class:`CommentValidationError` naming the first field that is missing or malformed.
    """
    name = comment.author_name.strip()
    if not name:
        raise CommentValidationError("author_name", "is required")
    if len(name) > AUTHOR_NAME_MAX:
        raise CommentValidationError("author_name", f"must be at most {AUTHOR_NAME_MAX} characters")
    if _CONTROL.search(name):
        raise CommentValidationError("author_name", "must not contain control characters")
    email = _check_email(comment.email)
    website = _check_website(comment.website)
    body = comment.body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise CommentValidationError("body", "is required")
    if len(body) > BODY_MAX:
        raise CommentValidationError("body", f"must be at most {BODY_MAX} characters, got {len(body)}")
    if _BODY_CONTROL.search(body):
        raise CommentValidationError("body", "must not contain control characters")
    honeypot = (comment.honeypot or "").strip()
    return replace(comment, author_name=name, email=email, website=website, body=body, honeypot=honeypot)


def email_hash(email: str, pepper: str) -> str:
    """HMAC-SHA256 (hex) of the trimmed, lowercased ``email``, keyed with the server's ``pepper``."""
    if not pepper:
        raise ValueError("email_hash needs a non-empty pepper (a server-side secret)")
    normalized = email.strip().lower().encode("utf-8")
    return hmac.new(pepper.encode("utf-8"), normalized, hashlib.sha256).hexdigest()


def body_fingerprint(body: str) -> str:
    """SHA-256 (hex) of ``body`` casefolded with whitespace collapsed: equal for duplicate comments."""
    normalized = " ".join(body.casefold().split()).encode("utf-8")
    return hashlib.sha256(normalized).hexdigest()


def count_links(body: str) -> int:
    """How many links (``http(s)://...`` or ``www....``) the text contains."""
    return len(_LINK.findall(body))
