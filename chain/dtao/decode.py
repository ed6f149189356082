"""Decode the dTAO runtime-API replies of one connected runtime: by its metadata where it declares the reply
type (spec 233+), else by the era table that covers its spec version (R218's opaque `Vec<u8>`).

The one place where a spec version matters is choosing an opaque layout, because the metadata of such a
runtime says only "bytes"; everything else follows the declared shape. Arguments are encoded by the declared
input types too: R218 takes accounts as `Vec<u8>`, later runtimes as a raw AccountId32.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from chain.dtao.errors import ApiAbsent, RuntimeTooNew
from chain.dtao.layout import decode_layout
from chain.dtao.structs import Delegate, DynamicInfo, Hyperparams, Metagraph, SimSwap, StakeInfo, SubnetState
from chain.dtao.tables import table_for
from chain.runtime.metadata import Metadata
from chain.runtime.portable import decode_all, type_name
from chain.runtime.shape import ApiShape, RuntimeShape
from chain.scale import ScaleError, encode_bytes, encode_compact, encode_uint
from chain.types import unwrap_state_call

SUBNET = "SubnetInfoRuntimeApi"
STAKE = "StakeInfoRuntimeApi"
DELEGATE = "DelegateInfoRuntimeApi"
SWAP = "SwapRuntimeApi"
RAO = 1_000_000_000
_UINT_SIZES = {"u8": 1, "u16": 2, "u32": 4, "u64": 8, "u128": 16}


class ApiDecoder:
    def __init__(self, shape: RuntimeShape, spec_version: int) -> None:
        self.shape = shape
        self.spec_version = spec_version

    def method(self, api: str, method: str) -> ApiShape:
        if self.shape.apis is None:
            raise RuntimeTooNew(f"its metadata is V14 only, so the reply type of {api}_{method} is unknown")
        found = self.shape.api(api, method)
        if found is None:
            raise ApiAbsent(f"{api}_{method}")
        return found

    def encode_args(self, api: str, method: str, *args: Any) -> bytes:
        """SCALE arguments by the declared input types (`bytes` of 32 for accounts, ints for numbers)."""
        shape = self.method(api, method)
        if len(args) != len(shape.inputs):
            raise ValueError(f"{api}_{method} takes {len(shape.inputs)} arguments, got {len(args)}")
        declared = self.shape.metadata.apis.get(api, {}).get(method)
        if declared is None:  # a shape built without a registry: by the spelled names only
            return b"".join(_encode_arg(ty, value) for (_, ty), value in zip(shape.inputs, args, strict=True))
        md = self.shape.metadata
        return b"".join(_encode_typed(md, type_id, value, ty)
                        for (_, type_id), (_, ty), value in zip(declared.inputs, shape.inputs, args, strict=True))

    def decode(self, api: str, method: str, reply: bytes) -> Any:
        """The reply as plain values (dicts by the runtime's field names), from either path."""
        shape = self.method(api, method)
        if not shape.opaque:
            try:
                return decode_all(self.shape.metadata, shape.output_id, reply)
            except ScaleError as exc:
                raise RuntimeTooNew(f"the {shape.state_call_name} reply does not match its declared type "
                                    f"{shape.output} ({exc})") from exc
        table = table_for(self.spec_version)
        layout = table.apis.get(shape.state_call_name) if table else None
        if table is None or layout is None:
            raise RuntimeTooNew(f"opaque {shape.state_call_name} reply of spec {self.spec_version}")
        try:
            inner = unwrap_state_call(reply)
            if not inner and not layout.reply.startswith(("Option<", "Vec<")):
                return None  # R218's singular getters answer zero bytes for "absent"
            return decode_layout(layout.reply, table.structs, inner)
        except ScaleError as exc:
            raise RuntimeTooNew(f"the {shape.state_call_name} reply ({len(reply)} bytes) does not match the "
                                f"{table.era} layout ({exc})") from exc

    def dynamic_info(self, reply: bytes) -> DynamicInfo | None:
        value = self.decode(SUBNET, "get_dynamic_info", reply)
        return None if value is None else DynamicInfo.of(value)

    def all_dynamic_info(self, reply: bytes) -> list[DynamicInfo]:
        return [DynamicInfo.of(v) for v in _items(self.decode(SUBNET, "get_all_dynamic_info", reply)) if v]

    def subnet_state(self, reply: bytes) -> SubnetState | None:
        value = self.decode(SUBNET, "get_subnet_state", reply)
        return None if value is None else SubnetState.of(value)

    def stake_info_for_coldkey(self, reply: bytes) -> list[StakeInfo]:
        return [StakeInfo.of(v) for v in _items(self.decode(STAKE, "get_stake_info_for_coldkey", reply))]

    def declared_field(self, api: str, method: str, name: str) -> str | None:
        """The declared type of field `name` of the struct inside an API's reply (through Vec/Option/tuple),
        or None when the reply is opaque or has no such field."""
        shape = self.method(api, method)
        if shape.opaque:
            return None
        md, todo, seen = self.shape.metadata, [shape.output_id], set()
        while todo:
            type_id = todo.pop()
            if type_id in seen:
                continue
            seen.add(type_id)
            ty = md.type(type_id)
            for f in ty.fields:
                if f.name == name:
                    return type_name(md, f.type_id)
            todo.extend(f.type_id for v in ty.variants for f in v.fields)
            todo.extend(ty.items)
            if ty.kind in ("sequence", "array") and ty.inner is not None:
                todo.append(ty.inner)
        return None

    def _per_subnet_nominators(self, method: str) -> bool:
        declared = self.declared_field(DELEGATE, method, "nominators") or ""
        return declared.count("Vec<") >= 2  # Vec<(AccountId32, Vec<(Compact<u16>, Compact<u64>)>)>

    def delegates(self, reply: bytes) -> list[Delegate]:
        per_subnet = self._per_subnet_nominators("get_delegates")
        return [Delegate.of(v, per_subnet) for v in _items(self.decode(DELEGATE, "get_delegates", reply))]

    def delegate(self, reply: bytes) -> Delegate | None:
        value = self.decode(DELEGATE, "get_delegate", reply)
        return None if value is None else Delegate.of(value, self._per_subnet_nominators("get_delegate"))

    def delegated(self, reply: bytes) -> list[tuple[Delegate, Any]]:
        """(delegate, what the coldkey holds there): a plain amount (R218/R233, frozen 2024 stake) or, from
        spec 391, (netuid, alpha)."""
        per_subnet = self._per_subnet_nominators("get_delegated")
        return [(Delegate.of(d, per_subnet), held)
                for d, held in _items(self.decode(DELEGATE, "get_delegated", reply))]

    def metagraph(self, reply: bytes) -> Metagraph | None:
        value = self.decode(SUBNET, "get_metagraph", reply)
        return None if value is None else Metagraph.of(value)

    def sim_swap(self, reply: bytes, buying: bool) -> SimSwap:
        """`sim_swap_tao_for_alpha` (buying) or `sim_swap_alpha_for_tao`: the chain's own quote."""
        method = "sim_swap_tao_for_alpha" if buying else "sim_swap_alpha_for_tao"
        value = self.decode(SWAP, method, reply)
        if not isinstance(value, dict):
            raise RuntimeTooNew(f"{SWAP}_{method} is not a struct")
        return SimSwap.of(value)

    def alpha_price(self, reply: bytes) -> Fraction:
        """`current_alpha_price(netuid)`: u64 RAO per alpha (price·1e9) as τ per α."""
        value = self.decode(SWAP, "current_alpha_price", reply)
        if not isinstance(value, int) or isinstance(value, bool):
            raise RuntimeTooNew(f"{SWAP}_current_alpha_price is not an integer")
        return Fraction(value, RAO)

    def alpha_prices(self, reply: bytes) -> dict[int, Fraction]:
        """`current_alpha_price_all()`: every subnet's price as {netuid: τ per α}."""
        out = {}
        for entry in _items(self.decode(SWAP, "current_alpha_price_all", reply)):
            if not isinstance(entry, dict) or {"netuid", "price"} - set(entry):
                raise RuntimeTooNew(f"a {SWAP}_current_alpha_price_all entry is not (netuid, price)")
            out[entry["netuid"]] = Fraction(entry["price"], RAO)
        return out

    def hyperparams(self, reply: bytes, method: str = "get_subnet_hyperparams") -> Hyperparams | None:
        value = self.decode(SUBNET, method, reply)
        if value is None:
            return None
        if isinstance(value, list):  # v3: Vec<{name, value: enum}>
            pairs = {}
            for entry in value:
                if not isinstance(entry, dict) or {"name", "value"} - set(entry):
                    raise RuntimeTooNew(f"a {method} entry is not a (name, value) pair")
                pairs[bytes(entry["name"]).decode(errors="replace")] = _enum_value(entry["value"])
            return Hyperparams(pairs)
        if not isinstance(value, dict):
            raise RuntimeTooNew(f"{method} is not a struct")
        return Hyperparams(dict(value))


def _items(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise RuntimeTooNew("a list reply is not a list")
    return value


def _enum_value(value: Any) -> Any:
    return value[1] if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) else value


def _encode_typed(md: Metadata, type_id: int, value: Any, spelled: str) -> bytes:
    """One argument by its registry type. Why not by the spelled name alone: from spec ~300 the runtime wraps
    numbers in newtypes (`NetUid(u16)`, `TaoCurrency(u64)`, `AlphaCurrency(u64)`) that encode as the number
    inside, and AccountId32 is a newtype of [u8; 32]."""
    ty = md.type(type_id)
    if ty.kind == "composite" and len(ty.fields) == 1 and ty.path[:1] != ("substrate_fixed",):
        return _encode_typed(md, ty.fields[0].type_id, value, spelled)
    if ty.kind == "primitive" and ty.primitive in _UINT_SIZES:
        return encode_uint(int(value), _UINT_SIZES[ty.primitive])
    if ty.kind == "compact":
        return encode_compact(int(value))
    inner = md.type(ty.inner) if ty.inner is not None else None
    if ty.kind == "array" and inner is not None and inner.primitive == "u8" and len(bytes(value)) == ty.length:
        return bytes(value)
    if ty.kind == "sequence" and inner is not None and ty.inner is not None:
        if inner.primitive == "u8":
            return encode_bytes(bytes(value))
        return encode_compact(len(value)) + b"".join(_encode_typed(md, ty.inner, v, spelled) for v in value)
    raise RuntimeTooNew(f"an argument of type {spelled}")


def _encode_arg(ty: str, value: Any) -> bytes:
    if ty == "AccountId32":
        return bytes(value)
    if ty == "Vec<u8>":
        return encode_bytes(bytes(value))
    if ty in _UINT_SIZES:
        return encode_uint(int(value), _UINT_SIZES[ty])
    if ty.startswith("Compact<"):
        return encode_compact(int(value))
    if ty.startswith("Vec<") and ty[4:-1] in _UINT_SIZES:
        size = _UINT_SIZES[ty[4:-1]]
        return encode_compact(len(value)) + b"".join(encode_uint(int(v), size) for v in value)
    raise RuntimeTooNew(f"an argument of type {ty}")
