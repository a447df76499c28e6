"""Who may use a cart: its customer (bearer `sub`), or whoever holds an anonymous cart's token.

The token is shown once, when the cart is made; only its SHA-256 is stored. A cart the caller may not
use answers as not found, the same as a cart that does not exist.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from cart.domain.cart import Cart
from clinic_shared.application_errors import NotFound, Unauthorized
from clinic_shared.principal import Principal


@dataclass(frozen=True)
class Caller:
    principal: Principal | None
    cart_token: str | None

    @property
    def sub(self) -> str | None:
        return self.principal.sub if self.principal else None

    def require_credentials(self) -> None:
        if self.principal is None and not self.cart_token:
            raise Unauthorized("Send the cart's token in X-Cart-Token, or a bearer token.")


def new_token() -> tuple[str, str]:
    """A fresh cart token and the hash to store."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_use(cart: Cart, caller: Caller) -> bool:
    if cart.customer_id is not None:
        return caller.sub == cart.customer_id
    if not caller.cart_token or not cart.token_hash:
        return False
    return hmac.compare_digest(hash_token(caller.cart_token), cart.token_hash)


def not_found(cart_id: str) -> NotFound:
    return NotFound(f"No cart {cart_id} for these credentials.")
