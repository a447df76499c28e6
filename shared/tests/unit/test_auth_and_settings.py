"""Tokens and settings: who is who, and no placeholder secret outside development."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from jwt.algorithms import RSAAlgorithm

from clinic_shared.auth import (
    DEFAULT_AUDIENCE,
    DEFAULT_ISSUER,
    CurrentUser,
    Principal,
    TokenVerifier,
    decode_token,
    issue_token,
)
from clinic_shared.errors import Problem, install_error_handlers
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


# Issue 10 point 4: production rules by default; issuer and audience checked; a JWKS for production.


def test_production_rules_are_the_default_so_the_placeholder_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    monkeypatch.delenv("AUTH_JWT_SECRET", raising=False)
    with pytest.raises(ValueError, match="AUTH_JWT_SECRET must be set to a real secret"):
        ServiceSettings()
    monkeypatch.setenv("ENVIRONMENT", "development")
    assert ServiceSettings().environment == "development"  # chosen explicitly, as `make up` and the tests do


def test_a_secret_too_short_for_hs256_is_refused_outside_development() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        ServiceSettings(environment="production", auth_jwt_secret="short-but-not-a-placeholder")


def test_with_a_jwks_no_shared_secret_is_needed_in_production() -> None:
    settings = ServiceSettings(environment="production", auth_jwks_url="https://idp.example/.well-known/jwks.json")
    assert settings.auth_jwks_url


def _claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    return {"sub": "cust-9", "roles": ["customer"], "exp": now + 60, "iss": DEFAULT_ISSUER,
            "aud": DEFAULT_AUDIENCE} | overrides


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        ({"iss": "https://evil.example/"}, "not issued by the identity provider"),
        ({"aud": "another-api"}, "not meant for this API"),
        ({"iss": None}, "not valid"),
        ({"aud": None}, "not valid"),
    ],
)
def test_a_token_from_another_issuer_or_for_another_audience_is_refused(
    overrides: dict[str, object], detail: str
) -> None:
    claims = {k: v for k, v in _claims(**overrides).items() if v is not None}
    with pytest.raises(Problem) as caught:
        decode_token(jwt.encode(claims, SECRET, "HS256"), SECRET)
    assert caught.value.status == 401
    assert detail in caught.value.detail


@pytest.fixture
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def jwks_url(rsa_key: rsa.RSAPrivateKey) -> Iterator[str]:
    """A JWKS with one RS256 public key, served on 127.0.0.1 for the test."""
    jwk = json.loads(RSAAlgorithm.to_jwk(rsa_key.public_key()))
    body = json.dumps({"keys": [jwk | {"kid": "key-1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    finally:
        server.shutdown()
        server.server_close()


def test_an_expired_token_from_the_right_issuer_is_refused_as_expired() -> None:
    token = jwt.encode(_claims(exp=int(time.time()) - 120), SECRET, "HS256")
    with pytest.raises(Problem) as caught:
        decode_token(token, SECRET)
    assert (caught.value.status, caught.value.detail) == (401, "The token has expired.")


def test_an_rs256_token_signed_by_a_key_in_the_jwks_is_accepted(rsa_key: rsa.RSAPrivateKey, jwks_url: str) -> None:
    verifier = TokenVerifier(jwks_url=jwks_url)
    token = jwt.encode(_claims(), rsa_key, "RS256", headers={"kid": "key-1"})
    assert verifier.verify(token) == Principal("cust-9", frozenset({"customer"}))


def test_with_a_jwks_a_token_signed_by_another_key_or_with_the_shared_secret_is_refused(
    jwks_url: str,
) -> None:
    verifier = TokenVerifier(jwks_url=jwks_url)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(_claims(), stranger, "RS256", headers={"kid": "key-1"})
    symmetric = jwt.encode(_claims(), SECRET, "HS256", headers={"kid": "key-1"})
    unknown_kid = jwt.encode(_claims(), stranger, "RS256", headers={"kid": "key-2"})
    for token in (forged, symmetric, unknown_kid):
        with pytest.raises(Problem) as caught:
            verifier.verify(token)
        assert caught.value.status == 401


async def test_an_app_in_production_checks_tokens_against_the_jwks(rsa_key: rsa.RSAPrivateKey, jwks_url: str) -> None:
    app = FastAPI()
    install_error_handlers(app)
    app.state.settings = ServiceSettings(environment="production", auth_jwks_url=jwks_url)

    @app.get("/me")
    async def me(user: CurrentUser) -> dict[str, str]:
        return {"sub": user.sub}

    good = jwt.encode(_claims(), rsa_key, "RS256", headers={"kid": "key-1"})
    dev = issue_token(SECRET, "cust-9", ["customer"])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/me", headers={"Authorization": f"Bearer {good}"})).json() == {"sub": "cust-9"}
        refused = await client.get("/me", headers={"Authorization": f"Bearer {dev}"})
        assert refused.status_code == 401
