"""Decode SCALE by a declared field list: the interpreter behind the per-era layout tables (`tables.py`).

Why layouts as data: R218's runtime APIs answer an opaque `Vec<u8>`, so their struct layouts must be known
in advance. Written as `(field, type)` lists they can be read against the spec line by line, kept in one
table per era, and decoded by this one small interpreter instead of a hand-written reader per struct.

Type expressions: `u8 u16 u32 u64 u128 bool`; `C<..>` compact; `AccountId` (→ SS58); `Bytes` (Vec<u8> →
bytes); `CBytes` (Vec<Compact<u8>>, how R233 sends names and symbols → bytes); `Vec<T>`, `Option<T>`,
`(T, U, ..)`; the fixed-point names of `fixed.py` (→ Fraction); and struct names defined in the same table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from chain.runtime.fixed import FIXED_TYPES
from chain.scale import Reader, ScaleError
from wallet.ss58 import ss58_encode

Layout = tuple[tuple[str, str], ...]  # (field name, type expression) in encoding order
ReadFn = Callable[[Reader], Any]

_UINTS = {"u8": 1, "u16": 2, "u32": 4, "u64": 8, "u128": 16}


def split_args(inner: str) -> list[str]:
    """Split "A, Vec<(B, C)>, D" at top-level commas."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(inner[start:i].strip())
            start = i + 1
    parts.append(inner[start:].strip())
    return [p for p in parts if p]


def _vec_bytes(compact_items: bool) -> ReadFn:
    def read(r: Reader) -> bytes:
        count = r.compact()
        if count > r.remaining:
            raise ScaleError(f"byte vector length {count} exceeds the remaining {r.remaining} bytes")
        if not compact_items:
            return r.take(count)
        values = [r.compact() for _ in range(count)]
        if any(v > 255 for v in values):
            raise ScaleError("a Vec<Compact<u8>> item exceeds 255")
        return bytes(values)

    return read


def compile_type(expr: str, structs: Mapping[str, Layout]) -> ReadFn:
    """A reader function for one type expression; struct names are looked up in `structs`."""
    return _compile(expr.replace(" ", ""), _frozen(structs))


def _frozen(structs: Mapping[str, Layout]) -> tuple[tuple[str, Layout], ...]:
    return tuple(sorted(structs.items()))


@lru_cache(maxsize=512)
def _compile(expr: str, structs: tuple[tuple[str, Layout], ...]) -> ReadFn:
    if expr in _UINTS:
        size = _UINTS[expr]
        return lambda r: r.uint(size)
    if expr == "bool":
        return Reader.boolean
    if expr == "AccountId":
        return lambda r: ss58_encode(r.account())
    if expr == "Bytes":
        return _vec_bytes(False)
    if expr == "CBytes":
        return _vec_bytes(True)
    if expr in FIXED_TYPES:
        fixed = FIXED_TYPES[expr]
        return lambda r: fixed.from_bytes(r.take(fixed.size))
    if expr.startswith("C<") and expr.endswith(">"):
        return Reader.compact
    if expr.startswith("Vec<") and expr.endswith(">"):
        item = _compile(expr[4:-1], structs)
        return lambda r: r.vec(item)
    if expr.startswith("Option<") and expr.endswith(">"):
        item = _compile(expr[7:-1], structs)
        return lambda r: r.option(item)
    if expr.startswith("(") and expr.endswith(")"):
        items = [_compile(part, structs) for part in split_args(expr[1:-1])]
        return lambda r: tuple(read(r) for read in items)
    table = dict(structs)
    if expr in table:
        fields = [(name, _compile(ty.replace(" ", ""), structs)) for name, ty in table[expr]]
        return lambda r: {name: read(r) for name, read in fields}
    raise ValueError(f"unknown type expression {expr!r} in a layout table")


def decode_layout(expr: str, structs: Mapping[str, Layout], data: bytes) -> Any:
    """Decode all of `data` as `expr`; trailing bytes mean the layout is wrong, and raise."""
    r = Reader(data)
    value = compile_type(expr, structs)(r)
    r.done()
    return value
