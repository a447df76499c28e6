"""The development token (only in development and test) and the ops figures every service serves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from clinic_shared.auth import decode_token
from clinic_shared.db import OUTBOX
from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.plugin import TEST_SECRET, auth_headers, running

from .notes_service import build

SECRET = "a-real-production-secret-of-32-bytes-or-more"


@pytest.mark.parametrize("environment", ["development", "test"])
async def test_the_dev_token_is_served_in_development_and_test_and_carries_the_roles(
    notes_settings: ServiceSettings, environment: str,
) -> None:
    settings = notes_settings.model_copy(update={"environment": environment, "auth_jwt_secret": SECRET})
    _, app = build(settings, consume=False)
    async with running(app) as client:
        answer = await client.post("/dev/token", json={"sub": "dev-ops-1", "roles": ["ops", "moderator"]})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        principal = decode_token(body["access_token"], SECRET)
        assert principal.sub == "dev-ops-1"
        assert principal.roles == {"ops", "moderator"}
        assert jwt.decode(body["access_token"], options={"verify_signature": False})["exp"] > 0
        bad = await client.post("/dev/token", json={"sub": "x", "roles": ["root"]})
        assert bad.status_code == 422 and "root" in bad.json()["detail"]
        assert "/dev/token" in app.openapi()["paths"]


@pytest.mark.parametrize("environment", ["production", "staging"])
async def test_the_dev_token_route_does_not_exist_outside_development(
    notes_settings: ServiceSettings, environment: str,
) -> None:
    settings = notes_settings.model_copy(update={"environment": environment, "auth_jwt_secret": SECRET})
    _, app = build(settings, consume=False)
    async with running(app) as client:
        answer = await client.post("/dev/token", json={"sub": "intruder", "roles": ["ops"]})
        assert answer.status_code == 404, answer.text
        assert "/dev/token" not in app.openapi()["paths"]


async def test_ops_figures_count_the_outbox_backlog_and_need_the_ops_role(notes_settings: ServiceSettings) -> None:
    # The relay drains at start, then only when woken or after an hour: a row written straight into
    # the outbox (not through a transaction that wakes it) stays unconfirmed for the test.
    settings = notes_settings.model_copy(update={"auth_jwt_secret": TEST_SECRET, "outbox_poll_interval": 3600.0})
    runtime, app = build(settings, consume=False)
    async with running(app) as client:
        assert (await client.get("/ops/figures")).status_code == 401
        assert (await client.get("/ops/figures", headers=auth_headers("c1", "customer"))).status_code == 403
        ops = auth_headers("ops-1", "ops")
        figures = (await client.get("/ops/figures", headers=ops)).json()
        assert figures["service"] == "notes"
        assert (figures["outbox_backlog"], figures["outbox_oldest_age_seconds"]) == (0, 0)
        # Counters are per process (earlier tests here may have dead-lettered as "notes" too).
        assert figures["dead_lettered"] >= 0 and isinstance(figures["consumer_lag"], list)

        written = datetime.now(UTC) - timedelta(seconds=90)
        async with runtime.sessions() as session, session.begin():
            await session.execute(OUTBOX.insert().values(
                event_id="e-figures-1", topic="test.figures.v1", key="k", event_type="clinic.test.x.v1",
                source="notes", subject=None, payload="{}", trace_headers="{}", created_at=written, attempts=0))
        figures = (await client.get("/ops/figures", headers=ops)).json()
        assert figures["outbox_backlog"] == 1
        assert 85 <= figures["outbox_oldest_age_seconds"] < 3600
