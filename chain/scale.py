"""A tiny SCALE reader for the subtensor info RPC replies (§11 of the 2024 spec).

Why hand-written: the info structs are a dozen fixed layouts, and decoding them with scalecodec needs a
custom type registry plus its slow generic machinery (a 256-neuron metagraph would take seconds). A cursor
over bytes with one method per primitive decodes the same layouts in milliseconds and is easy to audit
against the spec's field lists. Writers of the same primitives are here too so tests can build replies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class ScaleError(ValueError):
    """The bytes do not match the layout being read (truncated or malformed reply)."""


class Reader:
    """A forward-only cursor over SCALE bytes."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes | bytearray | list[int]) -> None:
        self.data = bytes(data)
        self.pos = 0

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if end > len(self.data):
            raise ScaleError(f"reply truncated: needed {n} bytes at offset {self.pos}, have {len(self.data)}")
        chunk = self.data[self.pos:end]
        self.pos = end
        return chunk

    def uint(self, n: int) -> int:
        """A fixed-width little-endian unsigned integer of `n` bytes."""
        return int.from_bytes(self.take(n), "little")

    def u8(self) -> int:
        return self.uint(1)

    def u16(self) -> int:
        return self.uint(2)

    def u32(self) -> int:
        return self.uint(4)

    def u64(self) -> int:
        return self.uint(8)

    def u128(self) -> int:
        return self.uint(16)

    def boolean(self) -> bool:
        value = self.u8()
        if value > 1:
            raise ScaleError(f"invalid bool byte {value} at offset {self.pos - 1}")
        return value == 1

    def compact(self) -> int:
        first = self.u8()
        mode = first & 3
        if mode == 0:
            return first >> 2
        if mode == 1:
            return (first | (self.u8() << 8)) >> 2
        if mode == 2:
            return (first | (self.uint(3) << 8)) >> 2
        return self.uint((first >> 2) + 4)

    def account(self) -> bytes:
        return self.take(32)

    def vec(self, item: Callable[[Reader], T]) -> list[T]:
        count = self.compact()
        if count > len(self.data) - self.pos:  # every item is at least one byte
            raise ScaleError(f"vector length {count} exceeds the remaining {len(self.data) - self.pos} bytes")
        return [item(self) for _ in range(count)]

    def option(self, item: Callable[[Reader], T]) -> T | None:
        tag = self.u8()
        if tag == 0:
            return None
        if tag != 1:
            raise ScaleError(f"invalid Option tag {tag} at offset {self.pos - 1}")
        return item(self)

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def done(self) -> None:
        """Insist that every byte was consumed (a layout mismatch otherwise goes unnoticed)."""
        if self.remaining:
            raise ScaleError(f"{self.remaining} unexpected trailing bytes after offset {self.pos}")


def encode_compact(value: int) -> bytes:
    """SCALE compact encoding of a non-negative integer."""
    if value < 0:
        raise ValueError("compact integers are unsigned")
    if value < 1 << 6:
        return bytes([value << 2])
    if value < 1 << 14:
        return ((value << 2) | 1).to_bytes(2, "little")
    if value < 1 << 30:
        return ((value << 2) | 2).to_bytes(4, "little")
    raw = value.to_bytes((value.bit_length() + 7) // 8, "little")
    return bytes([((len(raw) - 4) << 2) | 3]) + raw


def encode_uint(value: int, n: int) -> bytes:
    return value.to_bytes(n, "little")


def encode_vec(items: list[bytes]) -> bytes:
    return encode_compact(len(items)) + b"".join(items)


def encode_bytes(data: bytes) -> bytes:
    """A Vec<u8>: compact length then the bytes (how RPC params and state_call args travel)."""
    return encode_compact(len(data)) + data
