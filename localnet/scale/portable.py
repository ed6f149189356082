"""The portable type registry of scale-info: interns type trees into dense ids and encodes them.

Metadata refers to every type by its id in this registry. Named types get their id reserved before their
children are visited, so recursive types (a RuntimeCall that contains `Vec<RuntimeCall>`) terminate.
"""

from __future__ import annotations

from localnet.scale.codec import encode_compact, encode_text
from localnet.scale.types import (
    PRIMITIVES,
    Array,
    Compact,
    Composite,
    Enum,
    Field,
    Named,
    Prim,
    Seq,
    Tup,
    TypeRef,
    TypeSpace,
)


def _opt_text(value: str | None) -> bytes:
    return b"\x00" if value is None else b"\x01" + encode_text(value)


def _texts(values: tuple[str, ...] | list[str]) -> bytes:
    return encode_compact(len(values)) + b"".join(encode_text(v) for v in values)


class PortableRegistry:
    """Collects types in first-use order; `encode()` yields the SCALE `PortableRegistry` (Vec<PortableType>)."""

    def __init__(self, space: TypeSpace) -> None:
        self.space = space
        self.ids: dict[TypeRef, int] = {}
        self.named_ids: dict[str, int] = {}
        self.entries: list[bytes] = []

    def id_of(self, ty: TypeRef | str) -> int:
        """Intern a type (string or tree) and return its id."""
        if isinstance(ty, str):
            ty = self.space.parse(ty)
        if isinstance(ty, Named):
            name = self.space.aliases.get(ty.name, ty.name)
            if name in self.named_ids:
                return self.named_ids[name]
            resolved = self.space.resolve(ty)
            if resolved in self.ids:
                self.named_ids[name] = self.ids[resolved]
                return self.ids[resolved]
            tid = self._reserve(resolved)
            self.named_ids[name] = tid
            self._fill(tid, resolved)
            return tid
        if ty in self.ids:
            return self.ids[ty]
        tid = self._reserve(ty)
        self._fill(tid, ty)
        return tid

    def _reserve(self, ty: TypeRef) -> int:
        tid = len(self.entries)
        self.ids[ty] = tid
        self.entries.append(b"")
        return tid

    def _fields(self, fields: tuple[Field, ...]) -> bytes:
        out = [encode_compact(len(fields))]
        for f in fields:
            out.append(_opt_text(f.name) + encode_compact(self.id_of(f.ty)) + _opt_text(f.type_name)
                       + _texts(f.docs))
        return b"".join(out)

    def _params(self, params: tuple[tuple[str, TypeRef | None], ...]) -> bytes:
        out = [encode_compact(len(params))]
        for name, ty in params:
            out.append(encode_text(name) + (b"\x00" if ty is None else b"\x01" + encode_compact(self.id_of(ty))))
        return b"".join(out)

    def _fill(self, tid: int, ty: TypeRef) -> None:
        path: tuple[str, ...] = ()
        params: tuple[tuple[str, TypeRef | None], ...] = ()
        docs: tuple[str, ...] = ()
        if isinstance(ty, Composite):
            path, params, docs = ty.path, ty.params, ty.docs
            body = b"\x00" + self._fields(ty.fields)
        elif isinstance(ty, Enum):
            path, params, docs = ty.path, ty.params, ty.docs
            parts = [encode_compact(len(ty.variants))]
            for v in ty.variants:
                parts.append(encode_text(v.name) + self._fields(v.fields) + bytes((v.index,)) + _texts(v.docs))
            body = b"\x01" + b"".join(parts)
        elif isinstance(ty, Seq):
            body = b"\x02" + encode_compact(self.id_of(ty.inner))
        elif isinstance(ty, Array):
            body = b"\x03" + ty.length.to_bytes(4, "little") + encode_compact(self.id_of(ty.inner))
        elif isinstance(ty, Tup):
            body = b"\x04" + encode_compact(len(ty.items)) + b"".join(
                encode_compact(self.id_of(t)) for t in ty.items)
        elif isinstance(ty, Prim):
            body = b"\x05" + bytes((PRIMITIVES.index(ty.name),))
        elif isinstance(ty, Compact):
            body = b"\x06" + encode_compact(self.id_of(ty.inner))
        else:
            raise TypeError(f"cannot register {ty!r}")
        # Children may have appended entries meanwhile; this slot was reserved, so ids stay stable.
        self.entries[tid] = encode_compact(tid) + _texts(path) + self._params(params) + body + _texts(docs)

    def encode(self) -> bytes:
        """SCALE bytes of the whole registry."""
        return encode_compact(len(self.entries)) + b"".join(self.entries)
