"""Compile type trees into encode/decode closures.

Value conventions (what pallets see): ints for integers and compacts, `bytes` for `Vec<u8>`/`[u8; N]`
(so an AccountId is 32 bytes), lists for other vectors, tuples for tuples, dicts for structs with named
fields, the inner value for one-field tuple structs, `None`/value for `Option<T>`, and for other enums the
variant name (unit variants) or `{name: fields}`; encoders also accept `(name, fields)`.

Structs made only of fixed-width integers are packed with one `struct.Struct` call (AccountInfo is read and
written on every transfer, so this is a hot path).
"""

from __future__ import annotations

import struct as _struct
import threading
from collections.abc import Callable
from typing import Any

from localnet.scale.codec import ScaleDecodeError, decode_compact, encode_compact
from localnet.scale.types import Array, Compact, Composite, Enum, Named, Prim, Seq, Tup, TypeRef, TypeSpace, is_option

Encoder = Callable[[Any], bytes]
Decoder = Callable[[bytes, int], tuple[Any, int]]

_INT_SIZES = {"u8": 1, "u16": 2, "u32": 4, "u64": 8, "u128": 16, "u256": 32,
              "i8": 1, "i16": 2, "i32": 4, "i64": 8, "i128": 16, "i256": 32}
_STRUCT_FMT = {"u8": "B", "u16": "H", "u32": "I", "u64": "Q", "i8": "b", "i16": "h", "i32": "i", "i64": "q"}


class Codec:
    """An encoder/decoder pair for one type; `decode_all` insists every byte is consumed."""

    __slots__ = ("decode", "encode", "name")

    def __init__(self, encode: Encoder, decode: Decoder, name: str = "") -> None:
        self.encode = encode
        self.decode = decode
        self.name = name

    def decode_all(self, data: bytes) -> Any:
        """Decode a whole value; trailing bytes are an error (as in Substrate's `decode_all`)."""
        value, end = self.decode(data, 0)
        if end != len(data):
            raise ScaleDecodeError(f"{len(data) - end} trailing bytes after {self.name or 'value'}")
        return value


class CodecCompiler:
    """Turns type trees from a TypeSpace into Codecs, caching per type string, tree and name.

    The node calls the runtime from several threads (RPC executor, block author), so compilation happens
    under a lock and a codec becomes visible to other threads only once it is complete; cache hits take
    no lock.
    """

    def __init__(self, space: TypeSpace) -> None:
        self.space = space
        self.by_name: dict[str, Codec] = {}
        self.by_type: dict[TypeRef, Codec] = {}
        self.by_string: dict[str, Codec] = {}
        self.custom: dict[str, Codec] = {}
        self._building: dict[str, Codec] = {}
        self._lock = threading.RLock()

    def codec(self, ty: TypeRef | str) -> Codec:
        """The codec for a type string or tree."""
        if isinstance(ty, str):
            hit = self.by_string.get(ty)
            if hit is not None:
                return hit
            with self._lock:
                hit = self.codec(self.space.parse(ty))
                if ty not in self.custom and not self._building:
                    self.by_string[ty] = hit
                return hit
        if isinstance(ty, Named):
            return self._named(ty.name)
        hit = self.by_type.get(ty)
        if hit is None:
            with self._lock:
                hit = self._compile(ty)
                if not self._building:
                    self.by_type[ty] = hit
        return hit

    def _named(self, name: str) -> Codec:
        if name in self.custom:
            return self.custom[name]
        hit = self.by_name.get(name)
        if hit is not None:
            return hit
        with self._lock:
            hit = self.by_name.get(name) or self._building.get(name)
            if hit is not None:
                return hit
            # Placeholder first so recursive types (RuntimeCall inside Utility.batch) terminate; it is
            # filled in place, so codecs compiled meanwhile that captured it stay correct.
            slot = Codec(lambda v: b"", lambda d, o: (None, o), name)
            self._building[name] = slot
            try:
                real = self.codec(self.space.resolve(Named(name)))
                slot.encode, slot.decode = real.encode, real.decode
            finally:
                del self._building[name]
            self.by_name[name] = slot
            return slot

    def _compile(self, ty: TypeRef) -> Codec:
        if isinstance(ty, Prim):
            return _prim(ty.name)
        if isinstance(ty, Compact):
            return Codec(encode_compact, decode_compact, "Compact")
        if isinstance(ty, Seq):
            return self._seq(ty)
        if isinstance(ty, Array):
            return self._array(ty)
        if isinstance(ty, Tup):
            return self._tuple([self.codec(t) for t in ty.items])
        if isinstance(ty, Composite):
            return self._composite(ty)
        if isinstance(ty, Enum):
            return self._option(ty) if is_option(ty) else self._enum(ty)
        raise TypeError(f"cannot compile {ty!r}")

    def _is_u8(self, ty: TypeRef) -> bool:
        return self.space.resolve(ty) == Prim("u8")

    def _seq(self, ty: Seq) -> Codec:
        if self._is_u8(ty.inner):
            def enc_bytes(v: bytes) -> bytes:
                return encode_compact(len(v)) + bytes(v)

            def dec_bytes(d: bytes, o: int) -> tuple[bytes, int]:
                n, o = decode_compact(d, o)
                if o + n > len(d):
                    raise ScaleDecodeError("truncated Vec<u8>")
                return bytes(d[o:o + n]), o + n
            return Codec(enc_bytes, dec_bytes, "Vec<u8>")
        inner = self.codec(ty.inner)

        def enc(v: list[Any]) -> bytes:
            ie = inner.encode
            return encode_compact(len(v)) + b"".join([ie(x) for x in v])

        def dec(d: bytes, o: int) -> tuple[list[Any], int]:
            n, o = decode_compact(d, o)
            if n > len(d) - o:
                raise ScaleDecodeError("vector length exceeds input")
            out = []
            idec = inner.decode
            for _ in range(n):
                x, o = idec(d, o)
                out.append(x)
            return out, o
        return Codec(enc, dec, "Vec")

    def _array(self, ty: Array) -> Codec:
        n = ty.length
        if self._is_u8(ty.inner):
            def enc_fixed(v: bytes) -> bytes:
                if len(v) != n:
                    raise ValueError(f"expected {n} bytes, got {len(v)}")
                return bytes(v)

            def dec_fixed(d: bytes, o: int) -> tuple[bytes, int]:
                if o + n > len(d):
                    raise ScaleDecodeError(f"truncated [u8; {n}]")
                return bytes(d[o:o + n]), o + n
            return Codec(enc_fixed, dec_fixed, f"[u8; {n}]")
        inner = self.codec(ty.inner)

        def enc(v: list[Any]) -> bytes:
            if len(v) != n:
                raise ValueError(f"expected {n} items, got {len(v)}")
            return b"".join(inner.encode(x) for x in v)

        def dec(d: bytes, o: int) -> tuple[list[Any], int]:
            out = []
            for _ in range(n):
                x, o = inner.decode(d, o)
                out.append(x)
            return out, o
        return Codec(enc, dec, "array")

    @staticmethod
    def _tuple(items: list[Codec]) -> Codec:
        if not items:
            return Codec(lambda v: b"", lambda d, o: (None, o), "()")

        def enc(v: tuple[Any, ...]) -> bytes:
            if len(v) != len(items):
                raise ValueError(f"expected a {len(items)}-tuple")
            return b"".join([c.encode(x) for c, x in zip(items, v, strict=True)])

        def dec(d: bytes, o: int) -> tuple[tuple[Any, ...], int]:
            out = []
            for c in items:
                x, o = c.decode(d, o)
                out.append(x)
            return tuple(out), o
        return Codec(enc, dec, "tuple")

    def _fields(self, fields: tuple[Any, ...], name: str) -> Codec:
        """Codec for a field list with the value conventions of the module docstring."""
        if not fields:
            return Codec(lambda v: b"", lambda d, o: (None, o), name)
        if all(f.name is None for f in fields):
            if len(fields) == 1:
                return self.codec(fields[0].ty)
            return self._tuple([self.codec(f.ty) for f in fields])
        packed = self._packed(fields, name)
        if packed is not None:
            return packed
        pairs = [(f.name, self.codec(f.ty)) for f in fields]

        def enc(v: dict[str, Any]) -> bytes:
            try:
                return b"".join([c.encode(v[k]) for k, c in pairs])
            except KeyError as exc:
                raise ValueError(f"{name}: missing field {exc.args[0]!r}") from None

        def dec(d: bytes, o: int) -> tuple[dict[str, Any], int]:
            out = {}
            for k, c in pairs:
                out[k], o = c.decode(d, o)
            return out, o
        return Codec(enc, dec, name)

    def _layout(self, fields: tuple[Any, ...]) -> list[tuple[str, Any]] | None:
        """Flat (name, format-or-nested) layout when every field is a fixed-width int or such a struct."""
        out: list[tuple[str, Any]] = []
        for f in fields:
            ty = self.space.resolve(f.ty)
            if isinstance(ty, Prim) and ty.name in _STRUCT_FMT:
                out.append((f.name, _STRUCT_FMT[ty.name]))
            elif ty == Prim("u128"):
                out.append((f.name, "QQ"))
            elif isinstance(ty, Composite) and ty.fields and all(x.name for x in ty.fields):
                sub = self._layout(ty.fields)
                if sub is None:
                    return None
                out.append((f.name, sub))
            else:
                return None
        return out

    def _packed(self, fields: tuple[Any, ...], name: str) -> Codec | None:
        layout = self._layout(fields)
        if layout is None:
            return None
        fmt = "<" + _flat_fmt(layout)
        packer = _struct.Struct(fmt)
        size = packer.size

        def enc(v: dict[str, Any]) -> bytes:
            flat: list[int] = []
            _flatten(layout, v, flat)
            return packer.pack(*flat)

        def dec(d: bytes, o: int) -> tuple[dict[str, Any], int]:
            if o + size > len(d):
                raise ScaleDecodeError(f"truncated {name}")
            flat = packer.unpack_from(d, o)
            value, _ = _unflatten(layout, flat, 0)
            return value, o + size
        return Codec(enc, dec, name)

    def _composite(self, ty: Composite) -> Codec:
        return self._fields(ty.fields, "::".join(ty.path))

    def _option(self, ty: Enum) -> Codec:
        inner = self.codec(ty.variants[1].fields[0].ty)
        if self.space.resolve(ty.variants[1].fields[0].ty) == Prim("bool"):
            def enc_b(v: bool | None) -> bytes:
                return b"\x00" if v is None else (b"\x01" if v else b"\x02")

            def dec_b(d: bytes, o: int) -> tuple[bool | None, int]:
                if o >= len(d) or d[o] > 2:
                    raise ScaleDecodeError("bad Option<bool>")
                return (None, True, False)[d[o]], o + 1
            return Codec(enc_b, dec_b, "Option<bool>")

        def enc(v: Any) -> bytes:
            return b"\x00" if v is None else b"\x01" + inner.encode(v)

        def dec(d: bytes, o: int) -> tuple[Any, int]:
            if o >= len(d):
                raise ScaleDecodeError("truncated Option")
            tag = d[o]
            if tag == 0:
                return None, o + 1
            if tag == 1:
                return inner.decode(d, o + 1)
            raise ScaleDecodeError(f"bad Option tag {tag}")
        return Codec(enc, dec, "Option")

    def _enum(self, ty: Enum) -> Codec:
        name = "::".join(ty.path)
        by_index = {v.index: (v.name, self._fields(v.fields, v.name), bool(v.fields)) for v in ty.variants}
        by_name = {v.name: (bytes((v.index,)), self._fields(v.fields, v.name)) for v in ty.variants}

        def enc(v: Any) -> bytes:
            if isinstance(v, str):
                key, inner = v, None
            elif isinstance(v, dict) and len(v) == 1:
                key, inner = next(iter(v.items()))
            elif isinstance(v, tuple) and len(v) == 2:
                key, inner = v
            else:
                raise ValueError(f"{name}: cannot encode {v!r}")
            if key not in by_name:
                raise ValueError(f"{name} has no variant {key!r}")
            tag, c = by_name[key]
            return tag + c.encode(inner)

        def dec(d: bytes, o: int) -> tuple[Any, int]:
            if o >= len(d):
                raise ScaleDecodeError(f"truncated {name}")
            entry = by_index.get(d[o])
            if entry is None:
                raise ScaleDecodeError(f"{name} has no variant index {d[o]}")
            vname, c, has_fields = entry
            if not has_fields:
                return vname, o + 1
            inner, o = c.decode(d, o + 1)
            return {vname: inner}, o
        return Codec(enc, dec, name)


def _flat_fmt(layout: list[tuple[str, Any]]) -> str:
    return "".join(f if isinstance(f, str) else _flat_fmt(f) for _, f in layout)


def _flatten(layout: list[tuple[str, Any]], value: dict[str, Any], out: list[int]) -> None:
    for key, f in layout:
        x = value[key]
        if f == "QQ":
            out.append(x & 0xFFFFFFFFFFFFFFFF)
            out.append(x >> 64)
        elif isinstance(f, str):
            out.append(x)
        else:
            _flatten(f, x, out)


def _unflatten(layout: list[tuple[str, Any]], flat: tuple[int, ...], i: int) -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {}
    for key, f in layout:
        if f == "QQ":
            out[key] = flat[i] | (flat[i + 1] << 64)
            i += 2
        elif isinstance(f, str):
            out[key] = flat[i]
            i += 1
        else:
            out[key], i = _unflatten(f, flat, i)
    return out, i


def _prim(name: str) -> Codec:
    if name == "bool":
        def dec_bool(d: bytes, o: int) -> tuple[bool, int]:
            if o >= len(d) or d[o] > 1:
                raise ScaleDecodeError("bad bool")
            return d[o] == 1, o + 1
        return Codec(lambda v: b"\x01" if v else b"\x00", dec_bool, "bool")
    if name == "str":
        def dec_str(d: bytes, o: int) -> tuple[str, int]:
            n, o = decode_compact(d, o)
            if o + n > len(d):
                raise ScaleDecodeError("truncated string")
            try:
                return bytes(d[o:o + n]).decode(), o + n
            except UnicodeDecodeError:
                raise ScaleDecodeError("string is not valid UTF-8") from None
        return Codec(lambda v: encode_compact(len(v.encode())) + v.encode(), dec_str, "str")
    if name == "char":
        return Codec(lambda v: ord(v).to_bytes(4, "little"),
                     lambda d, o: (chr(int.from_bytes(d[o:o + 4], "little")), o + 4), "char")
    size = _INT_SIZES[name]
    signed = name.startswith("i")

    def enc(v: int) -> bytes:
        return v.to_bytes(size, "little", signed=signed)

    def dec(d: bytes, o: int) -> tuple[int, int]:
        end = o + size
        if end > len(d):
            raise ScaleDecodeError(f"truncated {name}")
        return int.from_bytes(d[o:end], "little", signed=signed), end
    return Codec(enc, dec, name)
