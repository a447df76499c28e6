"""Who is calling: the principal a verified bearer token names, and the token claims we expect.

Framework-free, so use cases can take a `Principal` without importing the web layer; the token
checks and the FastAPI dependencies that produce one are in `clinic_shared.auth`.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = frozenset({"customer", "editor", "moderator", "ops"})
DEFAULT_ISSUER = "https://identity.clinic.local/"
DEFAULT_AUDIENCE = "clinic-api"


@dataclass(frozen=True)
class Principal:
    sub: str
    roles: frozenset[str]

    def has(self, role: str) -> bool:
        return role in self.roles
