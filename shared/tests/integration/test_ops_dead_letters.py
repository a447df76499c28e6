"""`/ops/dead-letters`: an ops user lists this service's dead letters and replays them to their group."""

from __future__ import annotations

from clinic_shared.settings import ServiceSettings
from clinic_shared.testing.plugin import auth_headers, eventually, running

from .notes_service import NoteWritten, Switches, build, effect_count
from .test_consumer_faults import _letters, _note, _produce


async def test_ops_list_and_replay_dead_letters_over_http_dry_run_first(notes_settings: ServiceSettings) -> None:
    Switches.poison_fails = True
    runtime, app = build(notes_settings)
    ops = auth_headers("ops-1", "ops", secret=notes_settings.auth_jwt_secret)
    async with running(app) as http:
        try:
            assert (await http.get("/ops/dead-letters")).status_code == 401
            customer = auth_headers("c-1", "customer", secret=notes_settings.auth_jwt_secret)
            assert (await http.get("/ops/dead-letters", headers=customer)).status_code == 403
            await _produce(notes_settings, _note("bad", text="poison"), _note("good"))
            await eventually(lambda: effect_count(runtime, "good"), timeout=60)
            await eventually(lambda: _letters(notes_settings), timeout=30)

            listed = (await http.get("/ops/dead-letters", headers=ops)).json()
            assert listed["total"] == 1
            [letter] = listed["items"]
            assert (letter["topic"], letter["group"]) == (NoteWritten.TOPIC, "notes.effects")
            assert letter["error"] == "RuntimeError: cannot handle note bad"

            unknown = await http.post("/ops/dead-letters/replay", json={"topic": "nope.v1"}, headers=ops)
            assert unknown.status_code == 404
            assert unknown.headers["content-type"].startswith("application/problem+json")

            dry = (await http.post("/ops/dead-letters/replay", json={"topic": NoteWritten.TOPIC, "dry_run": True},
                                   headers=ops)).json()
            assert (dry["dry_run"], dry["replayed"], dry["groups"]) == (True, 1, ["notes.effects"])
            Switches.poison_fails = False
            real = (await http.post("/ops/dead-letters/replay", json={"topic": NoteWritten.TOPIC},
                                    headers=ops)).json()
            assert real["replayed"] == 1
            await eventually(lambda: effect_count(runtime, "bad"), timeout=60)
            again = (await http.post("/ops/dead-letters/replay", json={"topic": NoteWritten.TOPIC},
                                     headers=ops)).json()
            assert again["replayed"] == 0
            assert await effect_count(runtime, "bad") == 1
        finally:
            Switches.poison_fails = True
