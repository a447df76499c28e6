"""Bearer JWTs: `sub` is the customer id, `roles` the grants; `exp`, `iss` and `aud` are required and checked.

Two ways to trust a token, chosen by the settings:
- production: asymmetric signatures (RS256/ES256/PS256/EdDSA) checked against the identity provider's JWKS
  (`AUTH_JWKS_URL`, fetched and cached by PyJWT's `PyJWKClient`); symmetric tokens are refused;
- development and tests (and production without a JWKS): HS256 with `AUTH_JWT_SECRET`, which the settings
  refuse to be a placeholder outside development.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from clinic_shared.errors import Problem
from clinic_shared.principal import DEFAULT_AUDIENCE, DEFAULT_ISSUER, ROLES, Principal

ASYMMETRIC_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
_bearer = HTTPBearer(auto_error=False)


def _principal(claims: dict[str, Any]) -> Principal:
    roles = claims.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Problem(401, "Unauthorized", "The token's roles claim must be a list of strings.")
    return Principal(sub=str(claims["sub"]), roles=frozenset(roles) & ROLES)


def _unauthorized(exc: jwt.PyJWTError) -> Problem:
    if isinstance(exc, jwt.ExpiredSignatureError):
        return Problem(401, "Unauthorized", "The token has expired.")
    if isinstance(exc, jwt.InvalidIssuerError):
        return Problem(401, "Unauthorized", "The token was not issued by the identity provider we trust.")
    if isinstance(exc, jwt.InvalidAudienceError):
        return Problem(401, "Unauthorized", "The token is not meant for this API (audience).")
    return Problem(401, "Unauthorized", f"The token is not valid: {exc}.")


_REQUIRED = ["exp", "sub", "iss", "aud"]


@dataclass
class TokenVerifier:
    """Checks a bearer token's signature, expiry, issuer and audience; built once per app from the settings."""

    issuer: str = DEFAULT_ISSUER
    audience: str = DEFAULT_AUDIENCE
    secret: str | None = None
    jwks_url: str | None = None
    leeway_seconds: float = 10  # clock skew between the identity provider and us
    _jwks: jwt.PyJWKClient | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.jwks_url:
            self._jwks = jwt.PyJWKClient(self.jwks_url, cache_jwk_set=True, lifespan=300, timeout=5)
        elif not self.secret:
            raise ValueError("a token verifier needs a JWKS URL or a secret")

    def _decode(self, token: str, key: Any, algorithms: list[str]) -> Principal:
        try:
            claims = jwt.decode(token, key, algorithms=algorithms, issuer=self.issuer, audience=self.audience,
                                leeway=self.leeway_seconds, options={"require": _REQUIRED})
        except jwt.PyJWTError as exc:
            raise _unauthorized(exc) from exc
        return _principal(claims)

    def verify(self, token: str) -> Principal:
        """Blocking (a JWKS fetch on a cache miss): call :meth:`verify_async` from async code."""
        if self._jwks is None:
            return self._decode(token, self.secret, ["HS256"])
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError as exc:
            raise Problem(503, "Service Unavailable", "The identity provider's keys cannot be fetched now.") from exc
        except jwt.PyJWTError as exc:
            raise _unauthorized(exc) from exc
        return self._decode(token, key, ASYMMETRIC_ALGORITHMS)

    async def verify_async(self, token: str) -> Principal:
        if self._jwks is None:
            return self.verify(token)
        return await asyncio.to_thread(self.verify, token)


def decode_token(
    token: str, secret: str, *, issuer: str = DEFAULT_ISSUER, audience: str = DEFAULT_AUDIENCE
) -> Principal:
    """Check an HS256 token (development, tests)."""
    return TokenVerifier(issuer=issuer, audience=audience, secret=secret).verify(token)


def issue_token(
    secret: str, sub: str, roles: list[str], ttl_seconds: int = 3600, *,
    issuer: str = DEFAULT_ISSUER, audience: str = DEFAULT_AUDIENCE,
) -> str:
    """For tests, demos and the dev login (HS256); production tokens come from the identity provider."""
    now = int(time.time())
    claims = {"sub": sub, "roles": roles, "iat": now, "exp": now + ttl_seconds, "iss": issuer, "aud": audience}
    return jwt.encode(claims, secret, "HS256")


def verifier_for(settings: Any) -> TokenVerifier:
    """The verifier the settings describe (`auth_jwks_url`, else `auth_jwt_secret`; `auth_jwt_issuer/audience`)."""
    return TokenVerifier(
        issuer=settings.auth_jwt_issuer, audience=settings.auth_jwt_audience,
        secret=None if settings.auth_jwks_url else settings.auth_jwt_secret, jwks_url=settings.auth_jwks_url or None,
    )


def _verifier(request: Request) -> TokenVerifier:
    state = request.app.state
    verifier: TokenVerifier | None = getattr(state, "token_verifier", None)
    if verifier is None:
        verifier = state.token_verifier = verifier_for(state.settings)
    return verifier


async def optional_user(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal | None:
    if creds is None:
        return None
    return await _verifier(request).verify_async(creds.credentials)


async def current_user(principal: Annotated[Principal | None, Depends(optional_user)]) -> Principal:
    if principal is None:
        raise Problem(401, "Unauthorized", "A bearer token is required.")
    return principal


def require_role(*roles: str) -> Callable[..., Coroutine[Any, Any, Principal]]:
    async def _check(principal: Annotated[Principal, Depends(current_user)]) -> Principal:
        if not principal.roles & set(roles):
            raise Problem(403, "Forbidden", f"This needs one of the roles: {', '.join(sorted(roles))}.")
        return principal

    return _check


CurrentUser = Annotated[Principal, Depends(current_user)]
OptionalUser = Annotated[Principal | None, Depends(optional_user)]
Customer = Annotated[Principal, Depends(require_role("customer"))]
CustomerOrOps = Annotated[Principal, Depends(require_role("customer", "ops"))]
Editor = Annotated[Principal, Depends(require_role("editor"))]
Moderator = Annotated[Principal, Depends(require_role("moderator"))]
Ops = Annotated[Principal, Depends(require_role("ops"))]
