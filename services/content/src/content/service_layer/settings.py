"""The content settings a use case needs, taken from the runtime that carries them."""

from __future__ import annotations

from clinic_shared.runtime import ServiceRuntime
from content.domain.moderation import ModerationPolicy
from content.settings import ContentSettings


def content_settings(runtime: ServiceRuntime) -> ContentSettings:
    settings = runtime.settings
    if not isinstance(settings, ContentSettings):
        raise TypeError("the content runtime needs ContentSettings")
    return settings


def moderation_policy(settings: ContentSettings) -> ModerationPolicy:
    return ModerationPolicy(max_links=settings.comment_max_links, spam_links=settings.comment_spam_links,
                            max_per_10_minutes=settings.comment_max_per_10_minutes)
