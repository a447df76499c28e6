"""The eligible-competitor list ops manage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pricing.adapters.orm import competitors
from pricing.domain import EligibleCompetitor
from pricing.domain.competitors import host_of


@dataclass(frozen=True)
class ListedCompetitor:
    competitor: EligibleCompetitor
    created_at: datetime
    updated_at: datetime


def _listed(r: Row) -> ListedCompetitor:  # type: ignore[type-arg]
    competitor = EligibleCompetitor(
        id=r.id, name=r.name, domain=r.domain, kind=r.kind,
        licensed_regions=frozenset(r.licensed_regions), active=r.active,
    )
    return ListedCompetitor(competitor, r.created_at, r.updated_at)


class CompetitorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, competitor_id: str) -> ListedCompetitor | None:
        row = (await self.session.execute(select(competitors).where(competitors.c.id == competitor_id))).first()
        return None if row is None else _listed(row)

    async def listed(self, active: bool | None = None) -> list[ListedCompetitor]:
        stmt = select(competitors).order_by(competitors.c.name, competitors.c.id)
        if active is not None:
            stmt = stmt.where(competitors.c.active == active)
        return [_listed(r) for r in await self.session.execute(stmt)]

    async def domain_taken(self, domain: str, other_than: str | None = None) -> bool:
        stmt = select(competitors.c.id).where(competitors.c.domain == domain)
        if other_than:
            stmt = stmt.where(competitors.c.id != other_than)
        return (await self.session.execute(stmt)).first() is not None

    async def find(self, competitor_id: str | None, url: str, name: str) -> EligibleCompetitor | None:
        """The competitor a report names: by id if given, else by the URL's site, else by name."""
        if competitor_id:
            listed = await self.get(competitor_id)
            return listed.competitor if listed else None
        everyone = [c.competitor for c in await self.listed()]
        try:
            host = host_of(url)
        except ValueError:
            host = ""
        by_site = [c for c in everyone if host == c.domain or host.endswith("." + c.domain)]
        if by_site:
            return max(by_site, key=lambda c: len(c.domain))  # the most specific domain
        wanted = " ".join(name.split()).casefold()
        return next((c for c in everyone if " ".join(c.name.split()).casefold() == wanted), None)

    async def add(self, c: EligibleCompetitor, now: datetime) -> None:
        await self.session.execute(insert(competitors).values(**self._row(c), created_at=now, updated_at=now))

    async def save(self, c: EligibleCompetitor, now: datetime) -> None:
        await self.session.execute(update(competitors).where(competitors.c.id == c.id)
                                   .values(**self._row(c), updated_at=now))

    @staticmethod
    def _row(c: EligibleCompetitor) -> dict[str, object]:
        return {"id": c.id, "name": c.name, "domain": c.domain, "kind": c.kind,
                "licensed_regions": sorted(c.licensed_regions), "active": c.active}
