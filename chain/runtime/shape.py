"""RuntimeShape: what the connected runtime declares, in names and readable types, read from its metadata.

Why a flat, name-keyed view: the era decisions (`features.py`) and the "this client sends X, the chain takes
Y" messages need only names and type spellings ("SubtensorModule.add_stake(hotkey: AccountId32, netuid: u16,
amount_staked: u64)"), never scalecodec objects. Built once per runtime (the metadata is cached by code
hash), it costs ~20 ms for spec 218's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass

from chain.runtime.metadata import Metadata, parse_metadata
from chain.runtime.portable import type_name


@dataclass(frozen=True, slots=True)
class CallShape:
    pallet: str
    name: str
    index: tuple[int, int]  # (pallet index, call index): the two bytes that open the encoded call
    args: tuple[tuple[str, str], ...]  # (name, type) in order

    @property
    def arg_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.args)

    def signature(self) -> str:
        return f"{self.pallet}.{self.name}(" + ", ".join(f"{n}: {t}" for n, t in self.args) + ")"


@dataclass(frozen=True, slots=True)
class StorageShape:
    pallet: str
    name: str
    hashers: tuple[str, ...]
    key: str | None  # the key type, a tuple for double/N maps
    value: str
    value_id: int
    optional: bool
    default: bytes
    key_id: int | None = None


@dataclass(frozen=True, slots=True)
class ApiShape:
    api: str
    method: str
    inputs: tuple[tuple[str, str], ...]
    output: str
    output_id: int

    @property
    def opaque(self) -> bool:
        """The reply is declared as raw bytes (R218's `Vec<u8>`), so its layout must be known in advance."""
        return self.output == "Vec<u8>"

    @property
    def state_call_name(self) -> str:
        return f"{self.api}_{self.method}"


@dataclass(frozen=True, slots=True)
class EnumShape:
    """An event or error of a pallet: its index within the pallet and its field types."""

    pallet: str
    name: str
    index: int
    fields: tuple[tuple[str | None, str], ...]


@dataclass(frozen=True)
class RuntimeShape:
    metadata: Metadata
    calls: dict[str, CallShape]  # "Pallet.call"
    storage: dict[str, StorageShape]  # "Pallet.Item"
    apis: dict[str, ApiShape] | None  # "Api_method"; None when the metadata is V14 (it lists no APIs)
    events: dict[str, EnumShape]  # "Pallet.Event"
    errors: dict[str, EnumShape]  # "Pallet.Error"
    constants: dict[str, tuple[str, bytes]]  # "Pallet.Name" -> (type, SCALE value)
    signed_extensions: tuple[str, ...]

    def call(self, pallet: str, name: str) -> CallShape | None:
        return self.calls.get(f"{pallet}.{name}")

    def has_call(self, pallet: str, name: str) -> bool:
        return f"{pallet}.{name}" in self.calls

    def item(self, pallet: str, name: str) -> StorageShape | None:
        return self.storage.get(f"{pallet}.{name}")

    def api(self, api: str, method: str) -> ApiShape | None:
        return None if self.apis is None else self.apis.get(f"{api}_{method}")

    def has_error(self, pallet: str, name: str) -> bool:
        return f"{pallet}.{name}" in self.errors


def _enum(md: Metadata, pallet: str, type_id: int | None) -> dict[str, EnumShape]:
    if type_id is None:
        return {}
    out = {}
    for v in md.type(type_id).variants:
        fields = tuple((f.name, type_name(md, f.type_id)) for f in v.fields)
        out[f"{pallet}.{v.name}"] = EnumShape(pallet, v.name, v.index, fields)
    return out


def shape_of(md: Metadata) -> RuntimeShape:
    calls: dict[str, CallShape] = {}
    storage: dict[str, StorageShape] = {}
    events: dict[str, EnumShape] = {}
    errors: dict[str, EnumShape] = {}
    constants: dict[str, tuple[str, bytes]] = {}
    for p in md.pallets.values():
        for e in _enum(md, p.name, p.calls_id).values():
            args = tuple((name or "", ty) for name, ty in e.fields)
            calls[f"{p.name}.{e.name}"] = CallShape(p.name, e.name, (p.index, e.index), args)
        events.update(_enum(md, p.name, p.events_id))
        errors.update(_enum(md, p.name, p.errors_id))
        for s in p.storage.values():
            key = None if s.key_id is None else type_name(md, s.key_id)
            storage[f"{p.name}.{s.name}"] = StorageShape(p.name, s.name, s.hashers, key, type_name(md, s.value_id),
                                                         s.value_id, s.optional, s.default, s.key_id)
        for cname, (type_id, value) in p.constants.items():
            constants[f"{p.name}.{cname}"] = (type_name(md, type_id), value)
    apis = None
    if md.version >= 15:
        apis = {}
        for methods in md.apis.values():
            for m in methods.values():
                inputs = tuple((n, type_name(md, t)) for n, t in m.inputs)
                apis[f"{m.api}_{m.name}"] = ApiShape(m.api, m.name, inputs, type_name(md, m.output_id), m.output_id)
    return RuntimeShape(md, calls, storage, apis, events, errors, constants, md.signed_extensions)


def shape_from_bytes(data: bytes) -> RuntimeShape:
    """The shape of metadata bytes as any of the metadata RPCs return them."""
    return shape_of(parse_metadata(data))
