"""Dependencies and parameters the routes share: who may erase personal data, and paths and queries
constrained so junk is a 422 and never reaches SQL."""

from __future__ import annotations

import re
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path, Query

from clinic_shared.auth import Principal, require_role
from content.entrypoints.http.schemas import SLUG_PATTERN

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

SlugPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=120, description="The article's slug.")]
ArticleId = Annotated[UUID, Path(description="The article's id.")]
CommentId = Annotated[UUID, Path(description="The comment's id.")]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
PrivacyOfficer = Annotated[Principal, Depends(require_role("moderator", "ops"))]


def clean_query(q: str | None) -> str | None:
    """Search words as typed, control characters (which no database takes) turned into spaces."""
    if q is None:
        return None
    cleaned = " ".join(_CONTROL.sub(" ", q).split())
    return cleaned or None
