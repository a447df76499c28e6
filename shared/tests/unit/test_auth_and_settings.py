"""Tokens and settings: who is who, and no placeholder secret outside development."""

from __future__ import annotations

import time

import jwt
import pytest

from clinic_shared.auth import decode_token, issue_token
from clinic_shared.errors import Problem
from clinic_shared.settings import ServiceSettings

SECRET = "a-secret-long-enough-for-hs256-signing"


def test_a_valid_token_gives_the_customer_id_and_known_roles_only() -> None:
    principal = decode_token(issue_token(SECRET, "cust-1", ["customer", "superuser"]), SECRET)
    assert principal.sub == "cust-1"
    assert principal.roles == frozenset({"customer"})


@pytest.mark.parametrize(
    "token",
    [
        jwt.encode({"sub": "c", "roles": [], "exp": int(time.time()) - 10}, SECRET, "HS256"),  # expired
        jwt.encode({"sub": "c", "roles": []}, SECRET, "HS256"),  # no exp
        jwt.encode({"sub": "c", "roles": [], "exp": int(time.time()) + 60}, "another-secret-entirely-here", "HS256"),
        jwt.encode({"sub": "c", "roles": "ops", "exp": int(time.time()) + 60}, SECRET, "HS256"),  # roles not a list
        "not-a-token",
    ],
)
def test_a_bad_token_is_a_401_problem(token: str) -> None:
    with pytest.raises(Problem) as caught:
        decode_token(token, SECRET)
    assert caught.value.status == 401


def test_a_placeholder_secret_is_refused_outside_development() -> None:
    with pytest.raises(ValueError, match="AUTH_JWT_SECRET"):
        ServiceSettings(environment="production")
    assert ServiceSettings(environment="production", auth_jwt_secret=SECRET).auth_jwt_secret == SECRET
