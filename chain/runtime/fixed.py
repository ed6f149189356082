"""The runtime's fixed-point numbers (substrate_fixed) as exact fractions.

In SCALE each is its raw little-endian integer, the value × 2^frac (dtao-2025.md conventions): I96F32 and
I110F18 are i128, U64F64 a u128, I32F32 an i64. Converting to `Fraction` keeps every bit, so prices and moving
averages are exact until the CLI rounds them for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class FixedType:
    name: str
    signed: bool
    int_bits: int
    frac_bits: int

    @property
    def size(self) -> int:
        return (self.int_bits + self.frac_bits) // 8

    def from_bits(self, bits: int) -> Fraction:
        return Fraction(bits, 1 << self.frac_bits)

    def from_bytes(self, raw: bytes) -> Fraction:
        if len(raw) != self.size:
            raise ValueError(f"{self.name} takes {self.size} bytes, got {len(raw)}")
        return self.from_bits(int.from_bytes(raw, "little", signed=self.signed))

    def to_bits(self, value: Fraction | int) -> int:
        """The raw integer of a value, floored as the runtime's fixed-point conversion does."""
        return (Fraction(value) * (1 << self.frac_bits)).__floor__()

    def encode(self, value: Fraction | int) -> bytes:
        return self.to_bits(value).to_bytes(self.size, "little", signed=self.signed)


I96F32 = FixedType("I96F32", True, 96, 32)
I110F18 = FixedType("I110F18", True, 110, 18)
U64F64 = FixedType("U64F64", False, 64, 64)
I32F32 = FixedType("I32F32", True, 32, 32)
U96F32 = FixedType("U96F32", False, 96, 32)
FIXED_TYPES: dict[str, FixedType] = {t.name: t for t in (I96F32, I110F18, U64F64, I32F32, U96F32)}
