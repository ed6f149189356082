"""Hand-encoded runtime metadata, V14 and V15, from neutral pallet descriptions.

The runtime framework turns each Pallet declaration into a `PalletMeta`; this module only knows the wire
layout of `frame-metadata`. V14 is what substrate-interface reads; V15 adds runtime API descriptions and the
outer enums that newer SDKs (bt-decode, async-substrate-interface) want.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from localnet.scale.codec import encode_bytes, encode_compact, encode_text
from localnet.scale.hashers import HASHERS
from localnet.scale.portable import PortableRegistry
from localnet.scale.types import Tup, TypeRef

MAGIC = b"meta"


@dataclass
class StorageMeta:
    """One storage entry: Plain when `keys` is empty, otherwise a map with one hasher per key."""

    name: str
    value: TypeRef
    keys: list[TypeRef] = field(default_factory=list)
    hashers: list[str] = field(default_factory=list)
    optional: bool = False
    default: bytes = b""
    docs: list[str] = field(default_factory=list)


@dataclass
class ConstMeta:
    """A pallet constant with its SCALE-encoded value."""

    name: str
    ty: TypeRef
    value: bytes
    docs: list[str] = field(default_factory=list)


@dataclass
class PalletMeta:
    """Everything the metadata says about one pallet."""

    name: str
    index: int
    storage_prefix: str
    storage: list[StorageMeta] = field(default_factory=list)
    call_ty: TypeRef | None = None
    event_ty: TypeRef | None = None
    error_ty: TypeRef | None = None
    constants: list[ConstMeta] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)


@dataclass
class ApiMethod:
    """A runtime API method: `inputs` are (name, type) pairs."""

    name: str
    inputs: list[tuple[str, TypeRef]]
    output: TypeRef
    docs: list[str] = field(default_factory=list)


@dataclass
class ApiMeta:
    """A runtime API trait (e.g. `AccountNonceApi`) and its methods."""

    name: str
    methods: list[ApiMethod]
    docs: list[str] = field(default_factory=list)


@dataclass
class RuntimeMeta:
    """The whole runtime description that both versions are encoded from."""

    pallets: list[PalletMeta]
    extrinsic_ty: TypeRef
    address_ty: TypeRef
    call_ty: TypeRef
    signature_ty: TypeRef
    extra_ty: TypeRef
    signed_extensions: list[tuple[str, TypeRef, TypeRef]]
    runtime_ty: TypeRef
    event_ty: TypeRef
    error_ty: TypeRef
    apis: list[ApiMeta] = field(default_factory=list)


def _texts(values: list[str]) -> bytes:
    return encode_compact(len(values)) + b"".join(encode_text(v) for v in values)


def _option_ty(reg: PortableRegistry, ty: TypeRef | None) -> bytes:
    return b"\x00" if ty is None else b"\x01" + encode_compact(reg.id_of(ty))


def _storage(reg: PortableRegistry, pallet: PalletMeta) -> bytes:
    if not pallet.storage:
        return b"\x00"
    parts = [b"\x01", encode_text(pallet.storage_prefix), encode_compact(len(pallet.storage))]
    for s in pallet.storage:
        entry = [encode_text(s.name), b"\x00" if s.optional else b"\x01"]
        if not s.keys:
            entry.append(b"\x00" + encode_compact(reg.id_of(s.value)))
        else:
            if len(s.keys) != len(s.hashers):
                raise ValueError(f"{pallet.name}.{s.name}: one hasher per key")
            key_ty = s.keys[0] if len(s.keys) == 1 else Tup(tuple(s.keys))
            entry.append(b"\x01" + encode_compact(len(s.hashers))
                         + b"".join(bytes((HASHERS[h][1],)) for h in s.hashers)
                         + encode_compact(reg.id_of(key_ty)) + encode_compact(reg.id_of(s.value)))
        default = s.default if s.default or not s.optional else b"\x00"
        entry.append(encode_bytes(default))
        entry.append(_texts(s.docs))
        parts.append(b"".join(entry))
    return b"".join(parts)


def _pallet(reg: PortableRegistry, p: PalletMeta, version: int) -> bytes:
    out = [encode_text(p.name), _storage(reg, p), _option_ty(reg, p.call_ty), _option_ty(reg, p.event_ty)]
    out.append(encode_compact(len(p.constants)))
    for c in p.constants:
        out.append(encode_text(c.name) + encode_compact(reg.id_of(c.ty)) + encode_bytes(c.value) + _texts(c.docs))
    out.append(_option_ty(reg, p.error_ty))
    out.append(bytes((p.index,)))
    if version >= 15:
        out.append(_texts(p.docs))
    return b"".join(out)


def _signed_extensions(reg: PortableRegistry, meta: RuntimeMeta) -> bytes:
    out = [encode_compact(len(meta.signed_extensions))]
    for ident, ty, additional in meta.signed_extensions:
        out.append(encode_text(ident) + encode_compact(reg.id_of(ty)) + encode_compact(reg.id_of(additional)))
    return b"".join(out)


def encode_metadata(meta: RuntimeMeta, space_registry: PortableRegistry, version: int = 14) -> bytes:
    """`b"meta"` + version byte + RuntimeMetadataV14/V15, hand-encoded.

    Type ids are interned while the body is encoded, so the registry is serialised last and then placed
    in front, where the format wants it.
    """
    if version not in (14, 15):
        raise ValueError("only metadata V14 and V15 are supported")
    reg = space_registry
    for p in meta.pallets:
        if p.error_ty is not None:
            reg.id_of(p.error_ty)  # keep ids stable between versions: pallets first, in order
    pallets = encode_compact(len(meta.pallets)) + b"".join(_pallet(reg, p, version) for p in meta.pallets)
    if version == 14:
        extrinsic = encode_compact(reg.id_of(meta.extrinsic_ty)) + b"\x04" + _signed_extensions(reg, meta)
        tail = encode_compact(reg.id_of(meta.runtime_ty))
    else:
        extrinsic = (b"\x04" + encode_compact(reg.id_of(meta.address_ty)) + encode_compact(reg.id_of(meta.call_ty))
                     + encode_compact(reg.id_of(meta.signature_ty)) + encode_compact(reg.id_of(meta.extra_ty))
                     + _signed_extensions(reg, meta))
        apis = [encode_compact(len(meta.apis))]
        for api in meta.apis:
            methods = [encode_compact(len(api.methods))]
            for m in api.methods:
                inputs = encode_compact(len(m.inputs)) + b"".join(
                    encode_text(n) + encode_compact(reg.id_of(t)) for n, t in m.inputs)
                methods.append(encode_text(m.name) + inputs + encode_compact(reg.id_of(m.output)) + _texts(m.docs))
            apis.append(encode_text(api.name) + b"".join(methods) + _texts(api.docs))
        outer = (encode_compact(reg.id_of(meta.call_ty)) + encode_compact(reg.id_of(meta.event_ty))
                 + encode_compact(reg.id_of(meta.error_ty)))
        tail = encode_compact(reg.id_of(meta.runtime_ty)) + b"".join(apis) + outer + b"\x00"  # empty custom map
    return MAGIC + bytes((version,)) + reg.encode() + pallets + extrinsic + tail
