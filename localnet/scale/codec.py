"""SCALE primitives written by hand.

These are the hot-path building blocks (compact integers, fixed-width integers, length-prefixed bytes).
They are plain functions over `bytes` and offsets rather than stream objects because the node calls them
thousands of times per block and function-call overhead is what dominates in Python.
"""

from __future__ import annotations


class ScaleDecodeError(ValueError):
    """Raised when bytes do not decode as the expected SCALE type (truncated or malformed input)."""


def encode_compact(value: int) -> bytes:
    """SCALE `Compact<uN>`: 1, 2 or 4 bytes for small values, then the big-integer mode."""
    if value < 0:
        raise ValueError("compact integers are unsigned")
    if value < 1 << 6:
        return bytes((value << 2,))
    if value < 1 << 14:
        return ((value << 2) | 1).to_bytes(2, "little")
    if value < 1 << 30:
        return ((value << 2) | 2).to_bytes(4, "little")
    length = (value.bit_length() + 7) // 8
    if length > 67:
        raise ValueError("compact integer too large")
    return bytes(((length - 4) << 2 | 3,)) + value.to_bytes(length, "little")


def decode_compact(data: bytes, offset: int = 0) -> tuple[int, int]:
    """Decode a `Compact<uN>` at `offset`; returns (value, new offset)."""
    try:
        first = data[offset]
    except IndexError:
        raise ScaleDecodeError("no more bytes for a compact integer") from None
    mode = first & 3
    if mode == 0:
        return first >> 2, offset + 1
    if mode == 1:
        end = offset + 2
    elif mode == 2:
        end = offset + 4
    else:
        end = offset + 1 + (first >> 2) + 4
        if end > len(data):
            raise ScaleDecodeError("truncated compact integer")
        return int.from_bytes(data[offset + 1 : end], "little"), end
    if end > len(data):
        raise ScaleDecodeError("truncated compact integer")
    return int.from_bytes(data[offset:end], "little") >> 2, end


def encode_bytes(value: bytes) -> bytes:
    """SCALE `Vec<u8>`: compact length then the raw bytes."""
    return encode_compact(len(value)) + value


def decode_bytes(data: bytes, offset: int = 0) -> tuple[bytes, int]:
    """Decode a `Vec<u8>`; raises ScaleDecodeError when the declared length overruns the input."""
    length, offset = decode_compact(data, offset)
    end = offset + length
    if end > len(data):
        raise ScaleDecodeError("truncated byte vector")
    return bytes(data[offset:end]), end


def encode_text(value: str) -> bytes:
    """SCALE `String`/`Text`: UTF-8 bytes with a compact length prefix."""
    return encode_bytes(value.encode())


def decode_text(data: bytes, offset: int = 0) -> tuple[str, int]:
    """Decode a SCALE string; invalid UTF-8 counts as malformed input."""
    raw, offset = decode_bytes(data, offset)
    try:
        return raw.decode(), offset
    except UnicodeDecodeError:
        raise ScaleDecodeError("string is not valid UTF-8") from None


def encode_uint(value: int, size: int) -> bytes:
    """Little-endian unsigned integer of `size` bytes (u8=1 … u128=16)."""
    return value.to_bytes(size, "little")


def decode_uint(data: bytes, offset: int, size: int) -> tuple[int, int]:
    """Read a little-endian unsigned integer; raises ScaleDecodeError when truncated."""
    end = offset + size
    if end > len(data):
        raise ScaleDecodeError(f"truncated u{size * 8}")
    return int.from_bytes(data[offset:end], "little"), end


def encode_vec(items: list[bytes]) -> bytes:
    """A SCALE `Vec<T>` from already-encoded elements."""
    return encode_compact(len(items)) + b"".join(items)
