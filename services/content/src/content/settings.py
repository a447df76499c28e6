from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from clinic_shared.settings import ServiceSettings

PLACEHOLDER_PEPPERS = {"", "changethis", "change-me", "development-only-pepper"}


class ContentSettings(ServiceSettings):
    """CONTENT_DATABASE_URL, the comment rules, and the shared variables (KAFKA_BOOTSTRAP_SERVERS, ...)."""

    model_config = SettingsConfigDict(env_prefix="CONTENT_", extra="ignore", populate_by_name=True)

    database_url: str = "sqlite+aiosqlite:///var/data/content.db"
    # The HMAC key commenters are matched by (email_hash); a secret: changing it forgets who is known.
    comment_email_pepper: str = Field("development-only-pepper", min_length=1)
    comment_max_links: int = Field(2, ge=0)  # more links than this wait for a moderator
    comment_spam_links: int = Field(5, ge=1)  # this many links or more are spam
    comment_max_per_10_minutes: int = Field(3, ge=1)  # per commenter

    @model_validator(mode="after")
    def _no_placeholder_pepper_outside_development(self) -> ContentSettings:
        if self.environment not in {"development", "test"} and self.comment_email_pepper in PLACEHOLDER_PEPPERS:
            raise ValueError("CONTENT_COMMENT_EMAIL_PEPPER must be set to a real secret outside development")
        if self.comment_spam_links <= self.comment_max_links:
            raise ValueError("CONTENT_COMMENT_SPAM_LINKS must be greater than CONTENT_COMMENT_MAX_LINKS")
        return self
