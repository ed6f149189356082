"""Build a small V15-style type registry and SCALE bytes from type expressions, for the typed-API tests.

No runtime of spec 233+ exists here, so the tests declare its structs the way the runtime's scale-info
derive would (substrate_fixed with a typenum parameter, AccountId32 as a newtype of [u8; 32], Option as an
enum, Compact as its own type, and from spec ~300 the `NetUid(u16)` / `TaoCurrency(u64)` / `AlphaCurrency(u64)`
newtypes) from the field lists of dtao-2025.md, and encode values independently of the decoder under test.
`shape(..., pallet=Pallet(...))` adds a SubtensorModule (and optionally a Swap pallet) with calls, storage
and constants, so a whole spec-425-shaped runtime can be declared for the room code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chain.runtime.metadata import ApiMethod, Metadata, Pallet, PortableType, StorageEntry, TypeField, TypeVariant
from chain.runtime.shape import RuntimeShape, shape_of
from chain.scale import encode_compact

_SIZES = {"u8": 1, "u16": 2, "u32": 4, "u64": 8, "u128": 16, "i128": 16, "i64": 8}


@dataclass
class PalletDecl:
    """A pallet's declarations: calls name -> [(arg, type)], storage name -> (hashers, key type or None, value
    type, default value), constants name -> (type, value)."""

    name: str = "SubtensorModule"
    index: int = 7
    calls: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    storage: dict[str, tuple[tuple[str, ...], str | None, str, Any]] = field(default_factory=dict)
    constants: dict[str, tuple[str, Any]] = field(default_factory=dict)
    errors: tuple[str, ...] = ()  # error names, indexed in order (the era decisions look them up by name)
    call_index: dict[str, int] = field(default_factory=dict)  # a call's real index; others count in order


class Registry:
    def __init__(self) -> None:
        self.types: dict[int, PortableType] = {}
        self.cache: dict[str, int] = {}
        self.structs: dict[str, list[tuple[str, str]]] = {}
        self.enums: dict[str, list[tuple[str, str | None]]] = {}
        self.newtypes: dict[str, str] = {}  # e.g. "NetUid" -> "u16": a one-field tuple struct

    def _add(self, ty: PortableType) -> int:
        self.types[len(self.types)] = ty
        return len(self.types) - 1

    def _typenum(self, n: int) -> int:
        if n == 0:
            return self._add(PortableType(("typenum", "uint", "UTerm"), (), "composite"))
        bit = self._add(PortableType(("typenum", "bit", "B1" if n & 1 else "B0"), (), "composite"))
        high = self._typenum(n >> 1)
        return self._add(PortableType(("typenum", "uint", "UInt"), (("U", high), ("B", bit)), "composite",
                                      fields=(TypeField("msb", high, "U"), TypeField("lsb", bit, "B"))))

    def id(self, expr: str) -> int:
        expr = expr.replace(" ", "")
        if expr in self.cache:
            return self.cache[expr]
        if expr in _SIZES or expr == "bool":
            tid = self._add(PortableType((), (), "primitive", primitive=expr))
        elif expr == "AccountId32":
            arr = self._add(PortableType((), (), "array", inner=self.id("u8"), length=32))
            tid = self._add(PortableType(("sp_core", "crypto", "AccountId32"), (), "composite",
                                         fields=(TypeField(None, arr, "[u8; 32]"),)))
        elif expr in ("I96F32", "U64F64", "I110F18", "I32F32"):
            signed, frac = expr[0] == "I", int(expr.split("F")[1])
            total = int(expr[1:].split("F")[0]) + frac
            bits = self.id(f"{'i' if signed else 'u'}{total}")
            frac_id = self._typenum(frac)
            tid = self._add(PortableType(("substrate_fixed", f"Fixed{expr[0]}{total}"), (("Frac", frac_id),),
                                         "composite", fields=(TypeField("bits", bits, None),)))
        elif expr.startswith("Compact<"):
            tid = self._add(PortableType((), (), "compact", inner=self.id(expr[8:-1])))
        elif expr.startswith("Vec<"):
            tid = self._add(PortableType((), (), "sequence", inner=self.id(expr[4:-1])))
        elif expr.startswith("Option<"):
            inner = self.id(expr[7:-1])
            tid = self._add(PortableType(("Option",), (("T", inner),), "variant", variants=(
                TypeVariant("None", 0, ()), TypeVariant("Some", 1, (TypeField(None, inner, expr[7:-1]),)))))
        elif expr.startswith("("):
            from chain.dtao.layout import split_args

            tid = self._add(PortableType((), (), "tuple", items=tuple(self.id(p) for p in split_args(expr[1:-1]))))
        elif expr in self.newtypes:
            inner = self.newtypes[expr]
            tid = self._add(PortableType(("subtensor_runtime_common", expr), (), "composite",
                                         fields=(TypeField(None, self.id(inner), inner),)))
        elif expr in self.structs:
            fields = tuple(TypeField(n, self.id(t), t) for n, t in self.structs[expr])
            tid = self._add(PortableType(("pallet_subtensor", "rpc_info", expr), (), "composite", fields=fields))
        elif expr in self.enums:
            variants = tuple(TypeVariant(v, i, () if t is None else (TypeField(None, self.id(t), t),))
                             for i, (v, t) in enumerate(self.enums[expr]))
            tid = self._add(PortableType(("pallet_subtensor", expr), (), "variant", variants=variants))
        else:
            raise ValueError(expr)
        self.cache[expr] = tid
        return tid

    def encode(self, expr: str, value: Any) -> bytes:
        expr = expr.replace(" ", "")
        if expr == "bool":
            return bytes([bool(value)])
        if expr in _SIZES:
            return int(value).to_bytes(_SIZES[expr], "little", signed=expr[0] == "i")
        if expr == "AccountId32":
            assert len(value) == 32
            return bytes(value)
        if expr in ("I96F32", "U64F64", "I110F18", "I32F32"):
            frac = int(expr.split("F")[1])
            total = int(expr[1:].split("F")[0]) + frac
            return (value * (1 << frac)).__floor__().to_bytes(total // 8, "little", signed=expr[0] == "I")
        if expr.startswith("Compact<"):
            return encode_compact(value)
        if expr.startswith("Vec<"):
            if expr == "Vec<u8>":
                return encode_compact(len(value)) + bytes(value)
            return encode_compact(len(value)) + b"".join(self.encode(expr[4:-1], v) for v in value)
        if expr.startswith("Option<"):
            return b"\x00" if value is None else b"\x01" + self.encode(expr[7:-1], value)
        if expr.startswith("("):
            from chain.dtao.layout import split_args

            return b"".join(self.encode(t, v) for t, v in zip(split_args(expr[1:-1]), value, strict=True))
        if expr in self.newtypes:
            return self.encode(self.newtypes[expr], value)
        if expr in self.enums:
            names = [v for v, _ in self.enums[expr]]
            index = names.index(value[0])
            inner = self.enums[expr][index][1]
            return bytes([index]) + (b"" if inner is None else self.encode(inner, value[1]))
        return b"".join(self.encode(t, value[n]) for n, t in self.structs[expr])

    def shape(self, apis: dict[str, tuple[list[tuple[str, str]], str]], *pallets: PalletDecl) -> RuntimeShape:
        """A RuntimeShape with these runtime APIs ("Api_method" -> (inputs, output)) and pallets."""
        declared: dict[str, dict[str, ApiMethod]] = {}
        for full, (inputs, output) in apis.items():
            api, method = full.split("_", 1)
            ins = tuple((n, self.id(t)) for n, t in inputs)
            declared.setdefault(api, {})[method] = ApiMethod(api, method, ins, self.id(output))
        built = {p.name: self._pallet(p) for p in pallets}
        return shape_of(Metadata(15, dict(self.types), built, declared, ()))

    def _pallet(self, p: PalletDecl) -> Pallet:
        calls_id = None
        if p.calls:
            variants = tuple(TypeVariant(name, p.call_index.get(name, i),
                                         tuple(TypeField(a, self.id(t), t) for a, t in args))
                             for i, (name, args) in enumerate(p.calls.items()))
            calls_id = self._add(PortableType(("pallet_subtensor", "pallet", "Call"), (), "variant",
                                              variants=variants))
        storage = {}
        for name, (hashers, key, value, default) in p.storage.items():
            storage[name] = StorageEntry(name, False, hashers, None if key is None else self.id(key), self.id(value),
                                         self.encode(value, default))
        constants = {name: (self.id(t), self.encode(t, v)) for name, (t, v) in p.constants.items()}
        errors_id = None
        if p.errors:
            errors_id = self._add(PortableType(("pallet_subtensor", "pallet", "Error"), (), "variant",
                                               variants=tuple(TypeVariant(e, i, ()) for i, e in enumerate(p.errors))))
        return Pallet(p.name, p.index, storage, calls_id, None, errors_id, constants)
