"""A submitted comment is validated field by field; commenters are matched by a peppered email hash."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from content.domain.comments import validate_comment
from content.domain.moderation import (
    CommenterHistory,
    CommentValidationError,
    ModerationPolicy,
    NewComment,
    email_hash,
    moderate,
)


def comment(**fields: str | None) -> NewComment:
    values = {"author_name": "Sam", "email": "sam@example.com", "body": "Helpful."} | fields
    return NewComment(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"author_name": "   "}, "author_name", "is required"),
        ({"author_name": "x" * 101}, "author_name", "at most 100"),
        ({"author_name": "Sam\x00"}, "author_name", "control characters"),
        ({"email": ""}, "email", "is required"),
        ({"email": "sam@"}, "email", "name@example.com"),
        ({"email": "sam example.com"}, "email", "name@example.com"),
        ({"email": "sam@example"}, "email", "name@example.com"),
        ({"email": "sam..x@example.com"}, "email", "name@example.com"),
        ({"website": "javascript:alert(1)"}, "website", "http:// or https://"),
        ({"website": "ftp://example.com"}, "website", "http:// or https://"),
        ({"website": "https://"}, "website", "http:// or https://"),
        ({"website": "https://exa mple.com"}, "website", "http:// or https://"),
        ({"body": " \n "}, "body", "is required"),
        ({"body": "x" * 5001}, "body", "at most 5000"),
        ({"body": "hi\x07"}, "body", "control characters"),
    ],
)
def test_invalid_comment_field_is_named_with_a_clear_message(fields: dict[str, str], field: str, message: str) -> None:
    with pytest.raises(CommentValidationError) as caught:
        moderate(comment(**fields), CommenterHistory(), ModerationPolicy(), datetime.now(UTC))
    assert caught.value.field == field
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{field}: ")


def test_valid_comment_is_trimmed_and_blank_website_means_none() -> None:
    cleaned = validate_comment(
        comment(author_name="  Sam  ", email=" Sam@Example.com ", website="  ", body="\r\n Hi\r\nthere \r\n")
    )
    assert (cleaned.author_name, cleaned.email, cleaned.website, cleaned.body) == (
        "Sam",
        "Sam@Example.com",
        None,
        "Hi\nthere",
    )


def test_limits_are_inclusive() -> None:
    cleaned = validate_comment(comment(author_name="x" * 100, body="y" * 5000, website="https://example.com/a"))
    assert len(cleaned.author_name) == 100
    assert len(cleaned.body) == 5000


def test_email_hash_ignores_case_and_surrounding_spaces() -> None:
    assert email_hash(" Sam@Example.COM ", "pepper") == email_hash("sam@example.com", "pepper")


def test_email_hash_depends_on_the_pepper_and_hides_the_address() -> None:
    hashed = email_hash("sam@example.com", "pepper")
    assert hashed != email_hash("sam@example.com", "other pepper")
    assert len(hashed) == 64
    assert "sam" not in hashed
    assert hashed != email_hash("sally@example.com", "pepper")


def test_email_hash_refuses_an_empty_pepper() -> None:
    with pytest.raises(ValueError, match="pepper"):
        email_hash("sam@example.com", "")
