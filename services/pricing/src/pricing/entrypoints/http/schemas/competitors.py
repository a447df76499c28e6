"""The eligible-competitor list in and out."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pricing.domain import CompetitorKind
from pricing.entrypoints.http.schemas.fields import Domain, Regions, Text200, known_regions


class CompetitorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text200
    domain: Domain
    kind: CompetitorKind
    licensed_regions: Regions = []
    active: bool = True

    _v_regions = field_validator("licensed_regions")(known_regions)


class CompetitorPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text200 | None = None
    domain: Domain | None = None
    kind: CompetitorKind | None = None
    licensed_regions: Regions | None = None
    active: bool | None = None

    @field_validator("licensed_regions")
    @classmethod
    def _v_regions(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else known_regions(v)


class CompetitorOut(BaseModel):
    id: str
    name: str
    domain: str
    kind: CompetitorKind
    licensed_regions: list[str]
    active: bool
    eligible: bool = Field(description="an active licensed clinic: reports naming it can be matched")
    created_at: datetime
    updated_at: datetime


class CompetitorList(BaseModel):
    items: list[CompetitorOut]
    total: int


class EligibleCompetitorOut(BaseModel):
    """What anyone may know of a provider we match: its public id, name and website."""

    id: str
    name: str
    domain: str


class EligibleCompetitorList(BaseModel):
    items: list[EligibleCompetitorOut]
    total: int
