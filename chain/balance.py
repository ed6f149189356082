"""Exact TAO amounts: integers of RAO inside, τ with up to 9 decimals outside, never a raw float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import total_ordering

RAO_PER_TAO = 1_000_000_000
TAO_SYMBOL = "τ"


class InvalidAmount(ValueError):
    """Raised when a user-supplied amount is not a valid non-negative TAO quantity."""


@total_ordering
class Balance:
    """An amount of TAO held as an exact count of RAO (1 TAO = 10^9 RAO)."""

    __slots__ = ("rao",)

    def __init__(self, rao: int) -> None:
        if not isinstance(rao, int) or isinstance(rao, bool):
            raise TypeError("Balance takes an integer number of RAO; use Balance.from_tao for TAO")
        self.rao = rao

    @classmethod
    def from_tao(cls, amount: str | int | Decimal) -> Balance:
        """Parse a TAO amount exactly (a string such as '1.5'); more than 9 decimals is an error, not a round."""
        try:
            value = Decimal(str(amount).strip().replace("_", "").lstrip(TAO_SYMBOL))
        except InvalidOperation:
            raise InvalidAmount(f"{amount!r} is not a number of TAO (example: 1.5)") from None
        if not value.is_finite() or value < 0:
            raise InvalidAmount(f"{amount!r} is not a valid amount: give a non-negative number of TAO")
        rao = value * RAO_PER_TAO
        if rao != rao.to_integral_value():
            raise InvalidAmount(f"{amount!r} has more than 9 decimals: 1 RAO (0.000000001 TAO) is the smallest unit")
        return cls(int(rao))

    @property
    def tao(self) -> Decimal:
        """The amount in TAO as an exact decimal."""
        return Decimal(self.rao) / RAO_PER_TAO

    def __str__(self) -> str:
        whole, frac = divmod(abs(self.rao), RAO_PER_TAO)
        sign = "-" if self.rao < 0 else ""
        text = f"{whole:,}"
        if frac:
            text += "." + f"{frac:09d}".rstrip("0")
        return f"{sign}{TAO_SYMBOL}{text}"

    def __repr__(self) -> str:
        return f"Balance(rao={self.rao})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Balance):
            return self.rao == other.rao
        return NotImplemented

    def __lt__(self, other: Balance) -> bool:
        return self.rao < other.rao

    def __hash__(self) -> int:
        return hash(self.rao)

    def __add__(self, other: Balance) -> Balance:
        return Balance(self.rao + other.rao)

    def __sub__(self, other: Balance) -> Balance:
        return Balance(self.rao - other.rao)

    def to_json(self) -> dict[str, object]:
        """JSON form for scripts: exact RAO plus a display string of TAO (never a float)."""
        whole, frac = divmod(self.rao, RAO_PER_TAO)
        return {"rao": self.rao, "tao": f"{whole}.{frac:09d}"}
