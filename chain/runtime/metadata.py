"""A lean reader of the chain's V14/V15 metadata: the portable type registry, pallets and runtime APIs.

Why our own reader: scalecodec decodes metadata into ~3,500 run-time classes (0.15 s locally, seconds on
finney) and V14 carries no runtime APIs. Everything taocli needs to learn a runtime's shape (calls and their
argument types, storage items, events, errors, constants, and V15's runtime APIs with their return types) is
a few dozen lines of plain SCALE over `chain.scale.Reader`, with docs skipped. The result is plain frozen
data that the feature detector (`features.py`) and the type-driven decoder (`portable.py`) read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chain.scale import Reader, ScaleError

PRIMITIVES = ("bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "u256",
              "i8", "i16", "i32", "i64", "i128", "i256")
HASHERS = ("Blake2_128", "Blake2_256", "Blake2_128Concat", "Twox128", "Twox256", "Twox64Concat", "Identity")


class MetadataError(ScaleError):
    """The bytes are not V14/V15 metadata this reader understands."""


@dataclass(frozen=True, slots=True)
class TypeField:
    name: str | None
    type_id: int
    type_name: str | None  # the Rust spelling the runtime used ("I96F32", "Compact<u64>", "T::AccountId")


@dataclass(frozen=True, slots=True)
class TypeVariant:
    name: str
    index: int
    fields: tuple[TypeField, ...]


@dataclass(frozen=True, slots=True)
class PortableType:
    """One entry of the registry. `kind` is composite, variant, sequence, array, tuple, primitive, compact or
    bitsequence; only the attributes of that kind are filled."""

    path: tuple[str, ...]
    params: tuple[tuple[str, int | None], ...]
    kind: str
    fields: tuple[TypeField, ...] = ()
    variants: tuple[TypeVariant, ...] = ()
    inner: int | None = None  # element of sequence/array/compact
    length: int = 0  # array length
    items: tuple[int, ...] = ()  # tuple members
    primitive: str = ""


@dataclass(frozen=True, slots=True)
class StorageEntry:
    name: str
    optional: bool  # modifier Optional (absent = None) rather than Default
    hashers: tuple[str, ...]  # empty for a plain value
    key_id: int | None
    value_id: int
    default: bytes


@dataclass(frozen=True, slots=True)
class Pallet:
    name: str
    index: int
    storage: dict[str, StorageEntry]
    calls_id: int | None
    events_id: int | None
    errors_id: int | None
    constants: dict[str, tuple[int, bytes]]  # name -> (type id, SCALE value)


@dataclass(frozen=True, slots=True)
class ApiMethod:
    api: str
    name: str
    inputs: tuple[tuple[str, int], ...]
    output_id: int


@dataclass(frozen=True, slots=True)
class Metadata:
    version: int
    types: dict[int, PortableType]
    pallets: dict[str, Pallet]
    apis: dict[str, dict[str, ApiMethod]] = field(default_factory=dict)  # empty in V14
    signed_extensions: tuple[str, ...] = ()

    def type(self, type_id: int) -> PortableType:
        try:
            return self.types[type_id]
        except KeyError:
            raise MetadataError(f"metadata refers to type {type_id}, which its registry lacks") from None


def _text(r: Reader) -> str:
    raw = r.take(r.compact())
    try:
        return raw.decode()
    except UnicodeDecodeError as exc:
        raise MetadataError(f"metadata text is not UTF-8 at offset {r.pos}") from exc


def _skip_texts(r: Reader) -> None:
    for _ in range(r.compact()):
        r.take(r.compact())


def _opt_text(r: Reader) -> str | None:
    return r.option(_text)


def _field(r: Reader) -> TypeField:
    name = _opt_text(r)
    type_id = r.compact()
    type_name = _opt_text(r)
    _skip_texts(r)
    return TypeField(name, type_id, type_name)


def _variant(r: Reader) -> TypeVariant:
    name = _text(r)
    fields = tuple(r.vec(_field))
    index = r.u8()
    _skip_texts(r)
    return TypeVariant(name, index, fields)


def _type(r: Reader) -> PortableType:
    path = tuple(r.vec(_text))
    params = tuple(r.vec(lambda r: (_text(r), r.option(Reader.compact))))
    tag = r.u8()
    if tag == 0:
        ty = PortableType(path, params, "composite", fields=tuple(r.vec(_field)))
    elif tag == 1:
        ty = PortableType(path, params, "variant", variants=tuple(r.vec(_variant)))
    elif tag == 2:
        ty = PortableType(path, params, "sequence", inner=r.compact())
    elif tag == 3:
        length = r.u32()
        ty = PortableType(path, params, "array", inner=r.compact(), length=length)
    elif tag == 4:
        ty = PortableType(path, params, "tuple", items=tuple(r.vec(Reader.compact)))
    elif tag == 5:
        prim = r.u8()
        if prim >= len(PRIMITIVES):
            raise MetadataError(f"unknown primitive {prim} in the type registry")
        ty = PortableType(path, params, "primitive", primitive=PRIMITIVES[prim])
    elif tag == 6:
        ty = PortableType(path, params, "compact", inner=r.compact())
    elif tag == 7:
        r.compact(), r.compact()
        ty = PortableType(path, params, "bitsequence")
    else:
        raise MetadataError(f"unknown type definition tag {tag} in the type registry")
    _skip_texts(r)
    return ty


def _storage_entry(r: Reader) -> StorageEntry:
    name = _text(r)
    optional = r.u8() == 0
    if r.u8() == 0:
        hashers: tuple[str, ...] = ()
        key_id, value_id = None, r.compact()
    else:
        hashers = tuple(HASHERS[h] if h < len(HASHERS) else f"hasher{h}" for h in r.vec(Reader.u8))
        key_id, value_id = r.compact(), r.compact()
    default = r.take(r.compact())
    _skip_texts(r)
    return StorageEntry(name, optional, hashers, key_id, value_id, default)


def _pallet(r: Reader, version: int) -> Pallet:
    name = _text(r)

    def storage(r: Reader) -> dict[str, StorageEntry]:
        _text(r)  # prefix: the pallet name again
        return {e.name: e for e in r.vec(_storage_entry)}

    entries = r.option(storage) or {}
    calls_id = r.option(Reader.compact)
    events_id = r.option(Reader.compact)

    def constant(r: Reader) -> tuple[str, tuple[int, bytes]]:
        cname, type_id, value = _text(r), r.compact(), r.take(r.compact())
        _skip_texts(r)
        return cname, (type_id, value)

    constants = dict(r.vec(constant))
    errors_id = r.option(Reader.compact)
    index = r.u8()
    if version >= 15:
        _skip_texts(r)
    return Pallet(name, index, entries, calls_id, events_id, errors_id, constants)


def _api(r: Reader) -> tuple[str, dict[str, ApiMethod]]:
    api = _text(r)

    def method(r: Reader) -> ApiMethod:
        name = _text(r)
        inputs = tuple(r.vec(lambda r: (_text(r), r.compact())))
        output = r.compact()
        _skip_texts(r)
        return ApiMethod(api, name, inputs, output)

    methods = {m.name: m for m in r.vec(method)}
    _skip_texts(r)
    return api, methods


def parse_metadata(data: bytes) -> Metadata:
    """Parse `RuntimeMetadataPrefixed` bytes ("meta", version, body) of version 14 or 15.

    Also accepts the `Option<Vec<u8>>` that `Metadata_metadata_at_version` returns and the `Vec<u8>` of
    `Metadata_metadata`, so callers can pass any of the three replies as they come.
    """
    data = unwrap_metadata(bytes(data))
    r = Reader(data)
    r.take(4)
    version = r.u8()
    if version not in (14, 15):
        raise MetadataError(f"metadata version {version} is not supported (14 and 15 are)")
    types: dict[int, PortableType] = {}
    for _ in range(r.compact()):
        type_id = r.compact()
        types[type_id] = _type(r)
    pallets = {p.name: p for p in r.vec(lambda r: _pallet(r, version))}
    if version == 14:
        r.compact()  # extrinsic type
        r.u8()
        exts = tuple(r.vec(lambda r: (_text(r), r.compact(), r.compact())[0]))
        r.compact()  # runtime type
        apis: dict[str, dict[str, ApiMethod]] = {}
    else:
        r.u8()
        r.compact(), r.compact(), r.compact(), r.compact()  # address, call, signature, extra
        exts = tuple(r.vec(lambda r: (_text(r), r.compact(), r.compact())[0]))
        r.compact()  # runtime type
        apis = dict(r.vec(_api))
        r.compact(), r.compact(), r.compact()  # outer enums
        r.vec(lambda r: (_text(r), r.compact(), r.take(r.compact())))  # custom
    r.done()
    return Metadata(version, types, pallets, apis, exts)


def unwrap_metadata(data: bytes) -> bytes:
    """The RuntimeMetadataPrefixed bytes inside any of the metadata RPCs' replies."""
    if data[:4] == b"meta":
        return data
    for start in (1, 0):  # Option<Vec<u8>> (Some = 0x01), then a bare Vec<u8>
        if start and data[:1] != b"\x01":
            continue
        r = Reader(data[start:])
        try:
            length = r.compact()
        except ScaleError:
            continue
        if length == r.remaining and r.data[r.pos:r.pos + 4] == b"meta":
            return r.data[r.pos:]
    raise MetadataError("these bytes are not runtime metadata (no 'meta' magic)")
