"""The pallet declaration DSL: storage, calls, events, errors, constants, hooks, genesis, RPCs, APIs.

Every item is declared once on a `Pallet`; the runtime derives the metadata, the call decoder and the
event encoder from the same declaration. See docs/design/localnet-runtime.md for the contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from localnet.runtime.context import CallContext, HookContext
from localnet.runtime.core_types import CODECS, SPACE
from localnet.runtime.errors import ModuleError
from localnet.runtime.storage import StorageItem
from localnet.scale.codecs import Codec
from localnet.scale.metadata import ApiMethod, ConstMeta, PalletMeta
from localnet.scale.types import Enum, Field, Named, TypeRef, Variant, enum, struct

if TYPE_CHECKING:
    from localnet.genesis import Genesis
    from localnet.runtime.state import Overlay, StateReader

__all__ = ["CallContext", "CallDef", "EventDef", "HookContext", "Pallet"]

KeySpec = tuple[str, str]  # (type string, hasher name)


@dataclass
class CallDef:
    """A dispatchable: index within the pallet, typed args, fee/weight policy and the Python function."""

    pallet: Pallet
    name: str
    index: int
    args: list[tuple[str, str]]
    fn: Callable[..., Any]
    pays: bool = True
    weight: int | Callable[..., int] = 200_000_000
    dispatch_class: str = "Normal"
    codecs: list[Codec] = field(default_factory=list)

    def arg_codecs(self) -> list[Codec]:
        """Compiled argument codecs (lazily, once)."""
        if not self.codecs:
            self.codecs = [CODECS.codec(t) for _, t in self.args]
        return self.codecs

    def weight_of(self, args: tuple[Any, ...]) -> int:
        """ref_time weight of one call with these arguments."""
        return self.weight(*args) if callable(self.weight) else self.weight

    def encode(self, *args: Any) -> bytes:
        """Encoded RuntimeCall bytes for this call (tests, genesis tools, Sudo wrappers)."""
        codecs = self.arg_codecs()
        return bytes((self.pallet.index, self.index)) + b"".join(c.encode(a) for c, a in zip(codecs, args, strict=True))


@dataclass
class EventDef:
    """An event variant; `encode(*args)` gives `pallet index ‖ event index ‖ fields` (a RuntimeEvent)."""

    pallet: Pallet
    name: str
    index: int
    fields: list[tuple[str | None, str]]
    codecs: list[Codec] = field(default_factory=list)
    tag: bytes = b""

    def prepare(self) -> None:
        """Compile the field codecs (tag first: another thread may use `codecs` as soon as it is set)."""
        if not self.codecs:
            self.tag = bytes((self.pallet.index, self.index))
            self.codecs = [CODECS.codec(t) for _, t in self.fields]

    def encode(self, *args: Any, **kwargs: Any) -> bytes:
        """Encode field values given positionally or by field name."""
        if not self.codecs:
            self.prepare()
        if kwargs:
            args = args + tuple(kwargs[n] for n, _ in self.fields[len(args):])
        if len(args) != len(self.codecs):
            raise TypeError(f"event {self.pallet.name}.{self.name} takes {len(self.codecs)} fields")
        return self.tag + b"".join([c.encode(a) for c, a in zip(self.codecs, args, strict=True)])


@dataclass
class RuntimeApi:
    """A `state_call` method `<api>_<method>`: decoded inputs in, encoded output out."""

    api: str
    method: str
    inputs: list[tuple[str, str]]
    output: str
    fn: Callable[..., Any]
    docs: str = ""

    def meta(self) -> ApiMethod:
        """Method metadata for V15."""
        return ApiMethod(self.method, [(n, SPACE.parse(t)) for n, t in self.inputs], SPACE.parse(self.output),
                         [self.docs] if self.docs else [])


class Pallet:
    """A pallet declaration. Construct it once per module and declare items on it at import time."""

    def __init__(self, name: str, index: int, crate: str, docs: str = "") -> None:
        self.name = name
        self.index = index
        self.crate = crate
        self.docs = docs
        self.storage: list[StorageItem] = []
        self.calls: dict[int, CallDef] = {}
        self.calls_by_name: dict[str, CallDef] = {}
        self.events: list[EventDef] = []
        self.error_names: list[str] = []
        self.constants: list[tuple[str, str, Any, str]] = []
        self.on_initialize_hooks: list[Callable[[HookContext, int], None]] = []
        self.on_finalize_hooks: list[Callable[[HookContext, int], None]] = []
        self.genesis_builders: list[Callable[[Genesis, Overlay], None]] = []
        self.rpcs: dict[str, Callable[[StateReader, list[Any]], Any]] = {}
        self.apis: list[RuntimeApi] = []
        self.validators: list[Callable[..., Any]] = []
        self.extensions: list[Callable[..., Any]] = []

    def set_index(self, index: int) -> None:
        """Move the pallet to another index (a genesis `[runtime] pallet_indices` entry).

        Calls, errors and metadata read `self.index` when used; event tags are cached, so they follow here.
        """
        self.index = index
        for ev in self.events:
            if ev.tag:
                ev.tag = bytes((index, ev.index))

    # -- storage ---------------------------------------------------------------------------------------
    def _item(self, name: str, keys: list[KeySpec], value: str, default: Any, optional: bool,
              docs: str) -> StorageItem:
        if any(s.name == name for s in self.storage):
            raise ValueError(f"{self.name}.{name} declared twice")
        item = StorageItem(self.name, name, keys, value, default=default, optional=optional, docs=docs)
        self.storage.append(item)
        return item

    def value(self, name: str, ty: str, *, default: Any = None, optional: bool = False,
              docs: str = "") -> StorageItem:
        """A StorageValue."""
        return self._item(name, [], ty, default, optional, docs)

    def map(self, name: str, key: KeySpec, ty: str, *, default: Any = None, optional: bool = False,
            docs: str = "") -> StorageItem:
        """A StorageMap with one (type, hasher) key."""
        return self._item(name, [key], ty, default, optional, docs)

    def double_map(self, name: str, key1: KeySpec, key2: KeySpec, ty: str, *, default: Any = None,
                   optional: bool = False, docs: str = "") -> StorageItem:
        """A StorageDoubleMap."""
        return self._item(name, [key1, key2], ty, default, optional, docs)

    def nmap(self, name: str, keys: list[KeySpec], ty: str, *, default: Any = None, optional: bool = False,
             docs: str = "") -> StorageItem:
        """A StorageNMap with any number of keys."""
        return self._item(name, keys, ty, default, optional, docs)

    # -- types -----------------------------------------------------------------------------------------
    def struct(self, name: str, *, path: str, fields: list[tuple[str | None, str]], docs: str = "") -> None:
        """Register a struct type usable by name in every type string."""
        SPACE.define(name, struct(path, list(fields), SPACE, (docs,) if docs else ()))

    def enum(self, name: str, *, path: str, variants: list[tuple[str, list[tuple[str | None, str]]]],
             docs: str = "") -> None:
        """Register an enum type (variant indices = declaration order)."""
        SPACE.define(name, enum(path, variants, SPACE, (docs,) if docs else ()))

    # -- events and errors -----------------------------------------------------------------------------
    def event(self, name: str, fields: list[tuple[str | None, str]], docs: str = "") -> EventDef:
        """Declare the next event variant (indices follow declaration order)."""
        ev = EventDef(self, name, len(self.events), list(fields))
        self.events.append(ev)
        return ev

    def errors(self, *names: str) -> None:
        """Declare error variants; their indices are dense, in declaration order (clients rely on it)."""
        for n in names:
            if n in self.error_names:
                raise ValueError(f"{self.name}: error {n} declared twice")
            self.error_names.append(n)

    def error(self, name: str) -> ModuleError:
        """The DispatchError for a declared error name, ready to `raise`."""
        try:
            idx = self.error_names.index(name)
        except ValueError:
            raise KeyError(f"{self.name} declares no error {name!r}") from None
        return ModuleError(self.name, self.index, name, idx)

    def constant(self, name: str, ty: str, value: Any, docs: str = "") -> None:
        """A constant exposed in metadata (`substrate.get_constant`)."""
        self.constants.append((name, ty, value, docs))

    # -- calls and hooks -------------------------------------------------------------------------------
    def call(self, index: int, *, args: list[tuple[str, str]], pays: bool = True,
             weight: int | Callable[..., int] = 200_000_000, name: str | None = None,
             dispatch_class: str = "Normal") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: register `fn(ctx, *args)` as call `index` of this pallet."""
        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            call_name = name or fn.__name__
            if index in self.calls or call_name in self.calls_by_name:
                raise ValueError(f"{self.name}: call {call_name} / index {index} declared twice")
            cd = CallDef(self, call_name, index, list(args), fn, pays, weight, dispatch_class)
            self.calls[index] = cd
            self.calls_by_name[call_name] = cd
            return fn
        return register

    def on_initialize(self, fn: Callable[[HookContext, int], None]) -> Callable[[HookContext, int], None]:
        """Decorator: run at the start of every block."""
        self.on_initialize_hooks.append(fn)
        return fn

    def on_finalize(self, fn: Callable[[HookContext, int], None]) -> Callable[[HookContext, int], None]:
        """Decorator: run at the end of every block."""
        self.on_finalize_hooks.append(fn)
        return fn

    def genesis(self, fn: Callable[[Genesis, Overlay], None]) -> Callable[[Genesis, Overlay], None]:
        """Decorator: build this pallet's genesis state."""
        self.genesis_builders.append(fn)
        return fn

    def rpc(self, method: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: a custom JSON-RPC method `fn(state, params) -> JSON-able result`."""
        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.rpcs[method] = fn
            return fn
        return register

    def runtime_api(self, api: str, method: str, *, inputs: list[tuple[str, str]], output: str,
                    docs: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: a runtime API method served by `state_call("<api>_<method>")`: fn(state, *inputs)."""
        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.apis.append(RuntimeApi(api, method, list(inputs), output, fn, docs))
            return fn
        return register

    def signed_validator(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Decorator: `fn(state, who, call) -> priority | (priority, longevity) | None`, run when a signed
        call of this pallet is validated; raise TransactionError to reject it. A longevity (blocks) can
        only shorten the one the era allows; None keeps it."""
        self.validators.append(fn)
        return fn

    def signed_extension(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Decorator: like `signed_validator`, but run for every signed call of every pallet, as a
        runtime SignedExtension is (subtensor's gives even a Balances transfer priority u64::MAX)."""
        self.extensions.append(fn)
        return fn

    # -- metadata --------------------------------------------------------------------------------------
    def _variant_type(self, kind: str, variants: tuple[Variant, ...]) -> Named:
        name = f"{self.name}::{kind}"
        SPACE.define(name, Enum((self.crate, "pallet", kind), variants))
        return Named(name)

    def call_type(self) -> Named | None:
        """The pallet's `Call` enum, or None when it has no calls."""
        if not self.calls:
            return None
        return self._variant_type("Call", tuple(
            Variant(c.name, c.index, tuple(Field(n, SPACE.parse(t), t) for n, t in c.args))
            for c in sorted(self.calls.values(), key=lambda c: c.index)))

    def event_type(self) -> Named | None:
        """The pallet's `Event` enum, or None."""
        if not self.events:
            return None
        return self._variant_type("Event", tuple(
            Variant(e.name, e.index, tuple(Field(n, SPACE.parse(t), t) for n, t in e.fields))
            for e in self.events))

    def error_type(self) -> Named | None:
        """The pallet's `Error` enum (dense indices), or None."""
        if not self.error_names:
            return None
        return self._variant_type("Error", tuple(Variant(n, i) for i, n in enumerate(self.error_names)))

    def meta(self) -> PalletMeta:
        """Neutral metadata description consumed by localnet.scale.metadata."""
        consts = [ConstMeta(n, SPACE.parse(t), CODECS.codec(t).encode(v), [d] if d else [])
                  for n, t, v, d in self.constants]
        return PalletMeta(self.name, self.index, self.name, [s.meta() for s in self.storage],
                          self.call_type(), self.event_type(), self.error_type(), consts,
                          [self.docs] if self.docs else [])


def outer_enum(pallets: list[Pallet], kind: str) -> TypeRef:
    """`RuntimeCall`/`RuntimeEvent`/`RuntimeError`: one variant per pallet, variant index = pallet index.

    Two-segment paths (`node_subtensor_runtime::RuntimeCall`) match scalecodec's catch-all type names.
    """
    getter = {"Call": Pallet.call_type, "Event": Pallet.event_type, "Error": Pallet.error_type}[kind]
    variants = []
    for p in pallets:
        inner = getter(p)
        if inner is not None:
            variants.append(Variant(p.name, p.index, (Field(None, inner, f"{p.crate}::{kind}<Runtime>"),)))
    return Enum(("node_subtensor_runtime", f"Runtime{kind}"), tuple(variants))
