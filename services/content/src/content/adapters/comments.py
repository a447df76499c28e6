"""Comments in the database. The email column is written here and never read back by any query.

Commenters are found by ``email_hash`` (an HMAC of the address), so every lookup works on the hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.db import is_postgres
from content.adapters.orm import articles, comments
from content.domain.moderation import CommenterHistory

ERASED_NAME = "[erased]"
ERASED_BODY_HTML = "<p>[This comment was erased at the commenter's request.]</p>"
# Every column a reader or moderator may see; `email`, `email_hash` and the raw `body` are not among them.
_SHOWN = (comments.c.id, comments.c.article_id, comments.c.parent_id, comments.c.author_name, comments.c.website,
          comments.c.body_html, comments.c.status, comments.c.reasons, comments.c.created_at, comments.c.decided_at,
          comments.c.decided_by, comments.c.erased_at, articles.c.slug.label("article_slug"))


@dataclass(frozen=True)
class CommentView:
    id: str
    article_id: str
    article_slug: str
    parent_id: str | None
    author_name: str
    website: str | None
    body_html: str
    status: str
    reasons: list[str]
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    erased: bool


@dataclass(frozen=True)
class CommentRow:
    """A new comment as stored: the private fields travel only from here into the table."""

    id: str
    article_id: str
    parent_id: str | None
    author_name: str
    email: str
    email_hash: str
    website: str | None
    body: str
    body_html: str
    body_fingerprint: str
    status: str
    reasons: list[str]
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None


class CommentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_commenter(self, digest: str) -> None:
        """Serialise one commenter's submissions (PostgreSQL), so the rate limit holds under concurrency."""
        if is_postgres(self.session):
            await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:h, 0))"), {"h": digest})

    async def history(self, digest: str, fingerprint: str, since: datetime) -> CommenterHistory:
        mine = comments.c.email_hash == digest
        approved = (await self.session.execute(
            select(exists().where(mine, comments.c.status == "approved"))
        )).scalar_one()
        duplicates = (await self.session.execute(
            select(comments.c.body_fingerprint).where(mine, comments.c.body_fingerprint == fingerprint,
                                                      comments.c.status != "rejected").limit(1)
        )).scalars().all()
        recent = (await self.session.execute(
            select(comments.c.created_at).where(mine, comments.c.created_at > since)
        )).scalars().all()
        return CommenterHistory(has_approved_comment=bool(approved), body_fingerprints=frozenset(duplicates),
                                recent_submissions=[at for at in recent if at is not None])

    async def add(self, row: CommentRow) -> None:
        values: dict[str, Any] = {**row.__dict__, "reasons": list(row.reasons)}
        await self.session.execute(insert(comments).values(**values))

    async def get(self, comment_id: str, *, for_update: bool = False) -> CommentView | None:
        stmt = self._select().where(comments.c.id == comment_id)
        if for_update:
            stmt = stmt.with_for_update(of=comments)
        row = (await self.session.execute(stmt)).first()
        return _view(row) if row else None

    async def set_status(self, comment_id: str, status: str, decided_at: datetime, decided_by: str,
                         reasons: list[str]) -> None:
        await self.session.execute(update(comments).where(comments.c.id == comment_id).values(
            status=status, decided_at=decided_at, decided_by=decided_by, reasons=list(reasons)))

    async def list(self, *, status: str, article_id: str | None, limit: int, offset: int
                   ) -> tuple[list[CommentView], int]:
        stmt = self._select().where(comments.c.status == status)
        if article_id is not None:
            stmt = stmt.where(comments.c.article_id == article_id)
        total = (await self.session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
        rows = (await self.session.execute(
            stmt.order_by(comments.c.created_at, comments.c.id).limit(limit).offset(offset)
        )).all()
        return [_view(r) for r in rows], int(total)

    async def erase(self, digest: str, now: datetime) -> int:
        """Erase the commenter's personal data from every comment of theirs; returns how many."""
        result = await self.session.execute(update(comments).where(comments.c.email_hash == digest).values(
            author_name=ERASED_NAME, email=None, email_hash=None, website=None, body="",
            body_html=ERASED_BODY_HTML, body_fingerprint=None, erased_at=now,
        ))
        return int(result.rowcount)  # type: ignore[attr-defined]

    @staticmethod
    def _select() -> Any:
        return select(*_SHOWN).join(articles, articles.c.id == comments.c.article_id)


def _view(r: Any) -> CommentView:
    return CommentView(
        id=r.id, article_id=r.article_id, article_slug=r.article_slug, parent_id=r.parent_id,
        author_name=r.author_name, website=r.website, body_html=r.body_html, status=r.status,
        reasons=list(r.reasons), created_at=r.created_at, decided_at=r.decided_at, decided_by=r.decided_by,
        erased=r.erased_at is not None,
    )
