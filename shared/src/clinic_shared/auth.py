"""Bearer JWTs (HS256 with AUTH_JWT_SECRET locally): `sub` is the customer id, `roles` the grants."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from clinic_shared.errors import Problem

ROLES = frozenset({"customer", "editor", "moderator", "ops"})
_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Principal:
    sub: str
    roles: frozenset[str]

    def has(self, role: str) -> bool:
        return role in self.roles


def decode_token(token: str, secret: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise Problem(401, "Unauthorized", "The token has expired.") from exc
    except jwt.PyJWTError as exc:
        raise Problem(401, "Unauthorized", f"The token is not valid: {exc}.") from exc
    roles = claims.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Problem(401, "Unauthorized", "The token's roles claim must be a list of strings.")
    return Principal(sub=str(claims["sub"]), roles=frozenset(roles) & ROLES)


def issue_token(secret: str, sub: str, roles: list[str], ttl_seconds: int = 3600) -> str:
    """For tests, demos and the dev login; production tokens come from the identity provider."""
    import time

    now = int(time.time())
    return jwt.encode({"sub": sub, "roles": roles, "iat": now, "exp": now + ttl_seconds}, secret, "HS256")


def _secret(request: Request) -> str:
    return str(request.app.state.settings.auth_jwt_secret)


async def optional_user(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal | None:
    if creds is None:
        return None
    return decode_token(creds.credentials, _secret(request))


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
Editor = Annotated[Principal, Depends(require_role("editor"))]
Moderator = Annotated[Principal, Depends(require_role("moderator"))]
Ops = Annotated[Principal, Depends(require_role("ops"))]
