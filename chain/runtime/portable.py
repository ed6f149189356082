"""Decode SCALE bytes by a type id of the chain's own metadata registry, and name types readably.

Why: from spec 233 the runtime APIs are typed (DynamicInfo, Metagraph, StakeInfo are declared in the V15
registry), so a reply can be decoded by what the chain says it is instead of a layout guessed in advance.
Values come out as plain Python: composites with named fields as dicts, newtypes (one unnamed field) as
their inner value, `[u8; N]` / `Vec<u8>` as bytes, Option as None or the value, other enums as
(variant name, value). Fixed-point newtypes (substrate_fixed) come out as their raw `bits` integer inside a
dict {"bits": n}; `chain.dtao.fixed` turns them into exact fractions by the field's declared type name.
"""

from __future__ import annotations

from typing import Any

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


def decode(md: Metadata, type_id: int, r: Reader) -> Any:
    """Read one value of registry type `type_id` from `r`."""
    ty = md.type(type_id)
    kind = ty.kind
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
            return decode(md, ty.fields[0].type_id, r)
        if ty.fields and all(f.name is None for f in ty.fields):
            return tuple(decode(md, f.type_id, r) for f in ty.fields)
        return {f.name: decode(md, f.type_id, r) for f in ty.fields}
    if kind == "variant":
        return _variant(md, ty, r)
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


def _variant(md: Metadata, ty: PortableType, r: Reader) -> Any:
    tag = r.u8()
    for variant in ty.variants:
        if variant.index == tag:
            break
    else:
        raise ScaleError(f"enum {'::'.join(ty.path) or 'variant'} has no variant {tag}")
    if ty.path and ty.path[-1] == "Option":
        return None if not variant.fields else decode(md, variant.fields[0].type_id, r)
    if not variant.fields:
        return (variant.name, None)
    if len(variant.fields) == 1 and variant.fields[0].name is None:
        return (variant.name, decode(md, variant.fields[0].type_id, r))
    if all(f.name is None for f in variant.fields):
        return (variant.name, tuple(decode(md, f.type_id, r) for f in variant.fields))
    return (variant.name, {f.name: decode(md, f.type_id, r) for f in variant.fields})
