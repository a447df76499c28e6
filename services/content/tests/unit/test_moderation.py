"""Comment moderation rules: honeypot, links, duplicates, rate limit, known and new commenters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from content.domain.moderation import (
    CommenterHistory,
    ModerationPolicy,
    NewComment,
    body_fingerprint,
    moderate,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
POLICY = ModerationPolicy()
KNOWN = CommenterHistory(has_approved_comment=True)
NEW = CommenterHistory()


def comment(body: str = "Thank you, this helped me understand troches.", **fields: str) -> NewComment:
    values = {"author_name": "Sam", "email": "sam@example.com", "body": body} | fields
    return NewComment(**values)


def links(n: int) -> str:
    return " ".join(f"https://example.com/{i}" for i in range(n))


def test_new_commenter_is_held_for_moderation() -> None:
    decision = moderate(comment(), NEW, POLICY, NOW)
    assert decision.status == "pending"
    assert decision.reasons == ["comments from a new commenter wait for a moderator"]


def test_commenter_with_an_approved_comment_is_approved_automatically() -> None:
    decision = moderate(comment(), KNOWN, POLICY, NOW)
    assert decision.status == "approved"
    assert decision.reasons == ["the commenter has an approved comment"]


def test_auto_approval_can_be_switched_off_by_policy() -> None:
    policy = ModerationPolicy(auto_approve_known_commenters=False)
    assert moderate(comment(), KNOWN, policy, NOW).status == "pending"


def test_filled_honeypot_is_spam_even_from_a_known_commenter() -> None:
    decision = moderate(comment(honeypot="http://buy.example"), KNOWN, POLICY, NOW)
    assert decision.status == "spam"
    assert any("honeypot" in reason for reason in decision.reasons)


def test_whitespace_only_honeypot_counts_as_empty() -> None:
    assert moderate(comment(honeypot="  "), KNOWN, POLICY, NOW).status == "approved"


def test_links_up_to_the_limit_do_not_hold_a_known_commenter() -> None:
    assert moderate(comment(links(2)), KNOWN, POLICY, NOW).status == "approved"


def test_more_links_than_the_limit_hold_even_a_known_commenter() -> None:
    decision = moderate(comment(links(3)), KNOWN, POLICY, NOW)
    assert decision.status == "pending"
    assert decision.reasons == ["the comment has 3 links, more than the 2 allowed unreviewed"]


def test_five_or_more_links_are_spam() -> None:
    decision = moderate(comment(links(5)), KNOWN, POLICY, NOW)
    assert decision.status == "spam"
    assert decision.reasons == ["the comment has 5 links; 5 or more is spam"]


def test_www_addresses_count_as_links_and_a_url_with_www_counts_once() -> None:
    body = "www.a.example http://www.b.example https://c.example"
    assert moderate(comment(body), KNOWN, POLICY, NOW).status == "pending"
    assert moderate(comment(body), KNOWN, ModerationPolicy(max_links=3), NOW).status == "approved"


def test_repeating_an_earlier_comment_is_rejected_ignoring_case_and_spacing() -> None:
    history = CommenterHistory(has_approved_comment=True, body_fingerprints={body_fingerprint("Great  post")})
    decision = moderate(comment("great post\n"), history, POLICY, NOW)
    assert decision.status == "rejected"
    assert decision.reasons == ["this commenter already posted the same comment"]


def test_a_different_comment_from_the_same_commenter_is_not_a_duplicate() -> None:
    history = CommenterHistory(has_approved_comment=True, body_fingerprints={body_fingerprint("Great post")})
    assert moderate(comment("Great post, thanks"), history, POLICY, NOW).status == "approved"


def test_more_than_three_comments_in_ten_minutes_are_rejected() -> None:
    recent = [NOW - timedelta(minutes=m) for m in (1, 4, 9)]
    decision = moderate(comment(), CommenterHistory(True, frozenset(), recent), POLICY, NOW)
    assert decision.status == "rejected"
    assert decision.reasons == ["more than 3 comments in 10 minutes from this commenter"]


def test_comments_older_than_ten_minutes_do_not_count_towards_the_rate_limit() -> None:
    recent = [NOW - timedelta(minutes=m) for m in (1, 4, 10, 30)]
    assert moderate(comment(), CommenterHistory(True, frozenset(), recent), POLICY, NOW).status == "approved"


def test_rate_limit_follows_the_policy() -> None:
    recent = [NOW - timedelta(minutes=1)]
    policy = ModerationPolicy(max_per_10_minutes=1)
    assert moderate(comment(), CommenterHistory(True, frozenset(), recent), policy, NOW).status == "rejected"


def test_spam_outranks_rejection_and_all_reasons_are_given() -> None:
    history = CommenterHistory(body_fingerprints={body_fingerprint(links(6))})
    decision = moderate(comment(links(6), honeypot="x"), history, POLICY, NOW)
    assert decision.status == "spam"
    assert len(decision.reasons) == 3


def test_new_commenter_with_too_many_links_gets_both_reasons() -> None:
    decision = moderate(comment(links(3)), NEW, POLICY, NOW)
    assert decision.status == "pending"
    assert len(decision.reasons) == 2


def test_moderation_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        moderate(comment(), NEW, POLICY, datetime(2025, 3, 1, 12, 0))


def test_policy_refuses_a_spam_threshold_at_or_below_the_hold_threshold() -> None:
    with pytest.raises(ValueError, match="spam_links"):
        ModerationPolicy(max_links=5, spam_links=5)
