"""Decode SCALE bytes by a type id of the chain's own metadata registry, and name types readably.

Why: from spec 233 the runtime APIs are typed (DynamicInfo, Metagraph, StakeInfo are declared in the V15
registry), so a reply can be decoded by what the chain says it is instead of a layout guessed in advance.
Values come out as plain Python: composites with named fields as dicts, newtypes (one unnamed field) as
their inner value, `[u8; N]` / `Vec<u8>` as bytes, Option as None or the value, other enums as
(variant name, value). Fixed-point newtypes (substrate_fixed) come out as their raw `bits` integer inside a
Fraction: the fractional bits come from the type's typenum parameter, cross-checked with the spelling the
runtime used for the field ("I96F32"), and a disagreement or an unknown width is an error, not a guess.
"""

from __future__ import annotations

import re
from typing import Any

from chain.runtime.fixed import FixedType
from chain.runtime.metadata import Metadata, PortableType
from chain.scale import Reader, ScaleError

_PRIMITIVE_BYTES = {"u8": 1, "u16": 2, "u32": 4, "u64": 8, "u128": 16, "u256": 32,
                    "i8": 1, "i16": 2, "i32": 4, "i64": 8, "i128": 16, "i256": 32}


def type_name(md: Metadata, type_id: int, depth: int = 0) -> str:
    """A Rust-like spelling of a registry type ("Compact<u64>", "Vec<(u64, AccountId32)>", "Option<u16>")."""
    ty = md.type(type_id)
    if depth > 8:
        return ty.path[-1] if ty.path else "…"
    if ty.kind == "primitive":
        return ty.primitive
    if ty.kind == "compact":
        return f"Compact<{type_name(md, ty.inner or 0, depth + 1)}>"
    if ty.kind == "sequence":
        return f"Vec<{type_name(md, ty.inner or 0, depth + 1)}>"
    if ty.kind == "array":
        return f"[{type_name(md, ty.inner or 0, depth + 1)}; {ty.length}]"
    if ty.kind == "tuple":
        return "(" + ", ".join(type_name(md, i, depth + 1) for i in ty.items) + ")"
    if ty.kind == "bitsequence":
        return "BitVec"
    name = ty.path[-1] if ty.path else ty.kind
    args = [type_name(md, pid, depth + 1) for _, pid in ty.params if pid is not None]
    if name in ("BoundedVec", "WeakBoundedVec") and args:
        return f"Vec<{args[0]}>"
    return f"{name}<{', '.join(args)}>" if args else name


def decode(md: Metadata, type_id: int, r: Reader, spelled: str | None = None) -> Any:
    """Read one value of registry type `type_id` from `r` (`spelled`: the field's Rust type name, if any)."""
    ty = md.type(type_id)
    kind = ty.kind
    if kind == "composite" and ty.path[:1] == ("substrate_fixed",):
        fixed = fixed_type(md, ty, spelled)
        return fixed.from_bytes(r.take(fixed.size))
    if kind == "primitive":
        return _primitive(ty, r)
    if kind == "compact":
        return r.compact()
    if kind in ("sequence", "array"):
        count = r.compact() if kind == "sequence" else ty.length
        inner = md.type(ty.inner or 0)
        if inner.kind == "primitive" and inner.primitive == "u8":
            return r.take(count)
        if kind == "sequence" and count > r.remaining:
            raise ScaleError(f"vector length {count} exceeds the remaining {r.remaining} bytes")
        return [decode(md, ty.inner or 0, r) for _ in range(count)]
    if kind == "tuple":
        return tuple(decode(md, i, r) for i in ty.items)
    if kind == "composite":
        if len(ty.fields) == 1 and ty.fields[0].name is None:
            return decode(md, ty.fields[0].type_id, r, ty.fields[0].type_name)
        if ty.fields and all(f.name is None for f in ty.fields):
            return tuple(decode(md, f.type_id, r, f.type_name) for f in ty.fields)
        return {f.name: decode(md, f.type_id, r, f.type_name) for f in ty.fields}
    if kind == "variant":
        return _variant(md, ty, r, spelled)
    raise ScaleError(f"cannot decode a {kind} ({type_name(md, type_id)})")


def decode_all(md: Metadata, type_id: int, data: bytes) -> Any:
    """Decode a whole reply, insisting that every byte belongs to the declared type."""
    r = Reader(data)
    value = decode(md, type_id, r)
    r.done()
    return value


def _primitive(ty: PortableType, r: Reader) -> Any:
    prim = ty.primitive
    if prim == "bool":
        return r.boolean()
    if prim == "str":
        return r.take(r.compact()).decode(errors="replace")
    if prim == "char":
        return chr(r.u32())
    size = _PRIMITIVE_BYTES[prim]
    return int.from_bytes(r.take(size), "little", signed=prim.startswith("i"))


def _variant(md: Metadata, ty: PortableType, r: Reader, spelled: str | None = None) -> Any:
    tag = r.u8()
    for variant in ty.variants:
        if variant.index == tag:
            break
    else:
        raise ScaleError(f"enum {'::'.join(ty.path) or 'variant'} has no variant {tag}")
    if ty.path and ty.path[-1] == "Option":
        return None if not variant.fields else decode(md, variant.fields[0].type_id, r, _inner_spelling(spelled))
    if not variant.fields:
        return (variant.name, None)
    if len(variant.fields) == 1 and variant.fields[0].name is None:
        return (variant.name, decode(md, variant.fields[0].type_id, r, variant.fields[0].type_name))
    if all(f.name is None for f in variant.fields):
        return (variant.name, tuple(decode(md, f.type_id, r) for f in variant.fields))
    return (variant.name, {f.name: decode(md, f.type_id, r) for f in variant.fields})


_SPELLED = re.compile(r"\b([IU])(\d+)F(\d+)\b")
_WIDTH = re.compile(r"^Fixed([IU])(\d+)$")


def _inner_spelling(spelled: str | None) -> str | None:
    if spelled and spelled.startswith("Option<") and spelled.endswith(">"):
        return spelled[7:-1]
    return spelled


def _typenum(md: Metadata, type_id: int, depth: int = 0) -> int | None:
    """The value of a typenum unsigned integer type (UInt<UInt<UTerm, B1>, B0> = 2), or None if not one."""
    ty = md.type(type_id)
    name = ty.path[-1] if ty.path else ""
    if name == "UTerm":
        return 0
    if name != "UInt" or len(ty.params) != 2 or depth > 16:
        return None
    (_, high), (_, bit) = ty.params
    if high is None or bit is None:
        return None
    upper = _typenum(md, high, depth + 1)
    bit_name = md.type(bit).path[-1] if md.type(bit).path else ""
    if upper is None or bit_name not in ("B0", "B1"):
        return None
    return upper * 2 + (bit_name == "B1")


def fixed_type(md: Metadata, ty: PortableType, spelled: str | None) -> FixedType:
    """The fixed-point format of a substrate_fixed type: width and sign from its name (FixedI128), fractional
    bits from its typenum parameter and/or the field's spelling (I96F32); both must agree when both exist."""
    width = _WIDTH.match(ty.path[-1])
    if not width:
        raise ScaleError(f"unknown fixed-point type {'::'.join(ty.path)}")
    signed, total = width.group(1) == "I", int(width.group(2))
    frac = _typenum(md, ty.params[0][1]) if ty.params and ty.params[0][1] is not None else None
    match = _SPELLED.search(spelled or "")
    if match:
        spelled_frac = int(match.group(3))
        if (match.group(1) == "I") != signed or int(match.group(2)) + spelled_frac != total:
            raise ScaleError(f"field spelled {spelled} has registry type {ty.path[-1]}")
        if frac is not None and frac != spelled_frac:
            raise ScaleError(f"field spelled {spelled} has {frac} fractional bits in the registry")
        frac = spelled_frac
    if frac is None or not 0 <= frac <= total:
        raise ScaleError(f"cannot tell the fractional bits of {ty.path[-1]} (spelled {spelled or 'nothing'})")
    name = f"{'I' if signed else 'U'}{total - frac}F{frac}"
    return FixedType(name, signed, total - frac, frac)
