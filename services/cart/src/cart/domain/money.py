"""Money is an integer of minor units next to an ISO 4217 code; this only writes it for people."""

from __future__ import annotations

_ZERO_DECIMALS = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "XPF"})


def fmt(amount: int, currency: str) -> str:
    """`fmt(30000, "USD")` is "USD 300.00"."""
    if currency.upper() in _ZERO_DECIMALS:
        return f"{currency} {amount}"
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    return f"{currency} {sign}{whole}.{cents:02d}"
