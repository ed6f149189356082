"""Integer arithmetic of substrate_fixed numbers as the runtime does it: raw integers, truncating, saturating.

Why not Fraction or float: the chain floors at every step in its own fixed-point type, so a quote exact "to the
RAO" must take the same steps (§11: a float gives 90_919_792_573.45 where the runtime pays …573; a different
order of the same operations is off by ~150 RAO). Values here are non-negative, where truncation is floor.
"""

from __future__ import annotations

from dataclasses import dataclass

from chain.runtime.fixed import FixedType


class FixedOverflow(ArithmeticError):
    """A step overflows the runtime's type where the runtime's own behaviour (wrap or panic) is unknown."""


@dataclass(frozen=True, slots=True)
class Fx:
    """Operations in one fixed-point type (`I96F32`, `I110F18`, `U64F64`) on raw integers (value·2^frac)."""

    kind: FixedType

    @property
    def max_raw(self) -> int:
        bits = self.kind.int_bits + self.kind.frac_bits
        return (1 << (bits - 1)) - 1 if self.kind.signed else (1 << bits) - 1

    def of(self, n: int) -> int:
        """`saturating_from_num(n)` of an integer."""
        return min(n << self.kind.frac_bits, self.max_raw)

    def smul(self, a: int, b: int) -> int:
        """`saturating_mul`."""
        return min((a * b) >> self.kind.frac_bits, self.max_raw)

    def mul(self, a: int, b: int) -> int:
        """Plain `*`: the runtime's overflow behaviour is not known here, so overflow is refused."""
        raw = (a * b) >> self.kind.frac_bits
        if raw > self.max_raw:
            raise FixedOverflow(f"{self.kind.name} multiplication overflows")
        return raw

    def div(self, a: int, b: int) -> int | None:
        """`checked_div`: None on division by zero (callers apply the runtime's `unwrap_or`)."""
        if b == 0:
            return None
        raw = (a << self.kind.frac_bits) // b
        if raw > self.max_raw:
            raise FixedOverflow(f"{self.kind.name} division overflows")
        return raw

    def ssub(self, a: int, b: int) -> int:
        """`saturating_sub` of non-negative values (the unsigned floor at 0 the u64 results need)."""
        return max(a - b, 0) if not self.kind.signed else a - b

    def to_u64(self, raw: int) -> int:
        """`saturating_to_num::<u64>()`: floor, clamped to [0, u64::MAX]."""
        return min(max(raw >> self.kind.frac_bits, 0), (1 << 64) - 1)
