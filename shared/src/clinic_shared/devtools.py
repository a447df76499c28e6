"""Two small routers every service gets from `create_service_app`:

- `POST /dev/token`: a development identity for the storefront's "sign in (development only)" and
  for demos. Mounted ONLY when ENVIRONMENT is development or test; in any other environment the
  route does not exist (404), so no one can mint a token through it.
- `GET /ops/figures` (ops role): the plumbing's key figures for the ops console: this service's
  outbox backlog and the age of its oldest unconfirmed row (read from the database, so they are
  true even before the relay's gauges refresh), and its consumers' lag per topic, messages by
  outcome and dead-lettered messages (read from the process's Prometheus registry).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from prometheus_client.metrics import MetricWrapperBase
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from clinic_shared.auth import ROLES, Ops, issue_token
from clinic_shared.db import OUTBOX
from clinic_shared.errors import Problem, problem_responses
from clinic_shared.metrics import CONSUMER_LAG, CONSUMER_MESSAGES, DLQ_MESSAGES
from clinic_shared.runtime import ServiceRuntime

DEV_ENVIRONMENTS = frozenset({"development", "test"})
DEV_TOKEN_TTL_SECONDS = 8 * 3600


class DevTokenIn(BaseModel):
    sub: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@:-]+$",
                     description="The identity's id (the customer id for the customer role).")
    roles: list[str] = Field(default_factory=lambda: ["customer"], max_length=4,
                             description="Any of customer, editor, moderator, ops.")


class DevTokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    sub: str
    roles: list[str]


class TopicLag(BaseModel):
    topic: str
    lag: int = Field(description="Messages behind the partition ends, summed over this process's partitions.")


class OpsFigures(BaseModel):
    service: str
    measured_at: datetime
    outbox_backlog: int = Field(description="Outbox rows not yet confirmed by the broker.")
    outbox_oldest_age_seconds: float = Field(description="Age of the oldest unconfirmed row; 0 when none.")
    consumer_lag: list[TopicLag]
    consumer_messages: dict[str, int] = Field(description="Messages handled since start, by outcome.")
    dead_lettered: int = Field(description="Messages this process sent to a dead-letter topic since start.")


def dev_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["development"])

    @router.post("/dev/token", response_model=DevTokenOut, responses=problem_responses(422),
                 summary="A development identity (development and test environments only)")
    async def dev_token(body: DevTokenIn) -> DevTokenOut:
        unknown = sorted(set(body.roles) - ROLES)
        if unknown:
            raise Problem(422, "Invalid request", f"Unknown roles: {', '.join(unknown)}; "
                          f"use any of {', '.join(sorted(ROLES))}.")
        roles = sorted(set(body.roles))
        s = runtime.settings
        token = issue_token(s.auth_jwt_secret, body.sub, roles, ttl_seconds=DEV_TOKEN_TTL_SECONDS,
                            issuer=s.auth_jwt_issuer, audience=s.auth_jwt_audience)
        return DevTokenOut(access_token=token, expires_in=DEV_TOKEN_TTL_SECONDS, sub=body.sub, roles=roles)

    return router


def _samples(metric: MetricWrapperBase, service: str) -> list[tuple[dict[str, str], float]]:
    out = []
    for family in metric.collect():
        for sample in family.samples:
            if sample.labels.get("service") == service and not sample.name.endswith("_created"):
                out.append((sample.labels, sample.value))
    return out


def figures_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/ops/figures", response_model=OpsFigures, responses=problem_responses(401, 403),
                summary="Key figures of this service's plumbing (ops)")
    async def ops_figures(_: Ops) -> OpsFigures:
        now = datetime.now(UTC)
        async with runtime.sessions() as session:
            row = (await session.execute(
                select(func.count(), func.min(OUTBOX.c.created_at)).where(OUTBOX.c.published_at.is_(None))
            )).one()
        backlog, oldest = int(row[0]), row[1]
        if oldest is not None and oldest.tzinfo is None:  # SQLite hands back naive UTC datetimes
            oldest = oldest.replace(tzinfo=UTC)
        lag: dict[str, float] = {}
        for labels, value in _samples(CONSUMER_LAG, runtime.service):
            lag[labels["topic"]] = lag.get(labels["topic"], 0.0) + value
        outcomes: dict[str, int] = {}
        for labels, value in _samples(CONSUMER_MESSAGES, runtime.service):
            outcomes[labels["outcome"]] = outcomes.get(labels["outcome"], 0) + int(value)
        dead = sum(int(v) for _, v in _samples(DLQ_MESSAGES, runtime.service))
        return OpsFigures(
            service=runtime.service, measured_at=now, outbox_backlog=backlog,
            outbox_oldest_age_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
            consumer_lag=[TopicLag(topic=t, lag=int(v)) for t, v in sorted(lag.items())],
            consumer_messages=outcomes, dead_lettered=dead,
        )

    return router
