"""Money in integer minor units, and the one rounding rule for percentages.

Amounts are always ``int`` minor units (cents for USD). ``Decimal`` appears only inside
:func:`percent_of`, the single place where a percentage becomes an amount. The only amount a
percentage makes here is the price-match amount off, so it is rounded UP to the minor unit: in the
customer's favour (a basis of 1,997 at 20% takes 400 off, so the customer pays 1,597, at most 80%).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, localcontext

from pricing.domain.errors import CurrencyMismatchError, InvalidValue

_CURRENCY = re.compile(r"[A-Z]{3}")
# ISO 4217 minor-unit exponents that differ from 2 (used only to write amounts for people).
_EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip


def validate_currency(currency: str) -> str:
    """Return ``currency`` if it looks like an ISO 4217 code (three uppercase letters)."""
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        raise InvalidValue(f"currency must be an ISO 4217 code of three uppercase letters, got {currency!r}")
    return currency


def percent_of(amount_minor: int, percent: Decimal | int) -> int:
    """``percent`` % of ``amount_minor``, rounded up (towards +infinity) to the minor unit.

    >>> percent_of(1997, Decimal("20"))  # 399.4 -> 400
    400
    >>> percent_of(1, Decimal("50"))  # 0.5 -> 1
    1
    """
    if isinstance(percent, int) and not isinstance(percent, bool):
        percent = Decimal(percent)
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError("amount_minor must be an int of minor units")
    if not isinstance(percent, Decimal) or not percent.is_finite():
        raise TypeError("percent must be a finite Decimal (never a float)")
    with localcontext() as ctx:
        ctx.prec = max(28, len(str(abs(amount_minor))) + 30)
        exact = Decimal(amount_minor) * percent / Decimal(100)
        return int(exact.quantize(Decimal(1), rounding=ROUND_CEILING))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of integer minor units in one ISO 4217 currency."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"Money.amount must be an int of minor units, got {self.amount!r}")
        validate_currency(self.currency)

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"expected Money, got {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount >= other.amount

    def percent(self, percent: Decimal) -> Money:
        """``percent`` % of this amount, by the one rounding rule (:func:`percent_of`)."""
        return Money(percent_of(self.amount, percent), self.currency)

    def __str__(self) -> str:
        """For people: ``"USD 250.00"`` (uses the currency's minor-unit exponent)."""
        exponent = _EXPONENTS.get(self.currency, 2)
        sign = "-" if self.amount < 0 else ""
        units, minor = divmod(abs(self.amount), 10**exponent)
        text = f"{units:,}" if exponent == 0 else f"{units:,}.{minor:0{exponent}d}"
        return f"{self.currency} {sign}{text}"
