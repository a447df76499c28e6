"""The match claim: one row per customer and SKU, which the database keeps unique on PostgreSQL and SQLite.

Granting a match claims the row in the grant's transaction: a new row, or the old one taken over once
its grant is older than the window. Two grants racing for one customer and SKU cannot both claim it:
the second insert waits for the first transaction, then finds the row and (the window not having
passed) changes nothing, so its grant is refused and rolled back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from clinic_shared.db import upsert
from pricing.adapters.orm import match_claims


class MatchClaimed(Exception):
    """This customer already holds a match for this SKU within the window."""


class MatchClaims:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, customer_id: str, sku: str, report_id: str, now: datetime, window_start: datetime) -> None:
        """Claim the customer's match for `sku`; MatchClaimed when a grant after `window_start` holds it."""
        stmt = upsert(self.session, match_claims,
                      {"customer_id": customer_id, "sku": sku, "report_id": report_id, "granted_at": now},
                      key=[match_claims.c.customer_id, match_claims.c.sku], update=["report_id", "granted_at"],
                      where=match_claims.c.granted_at <= window_start)
        result = await self.session.execute(stmt)
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise MatchClaimed(f"a match for {sku} was already granted to this customer within the window")
