"""Storage handles: one declaration gives the key layout, the value codec and the metadata entry.

Keys are `twox128(pallet) ‖ twox128(item) ‖ hasher(SCALE(key_i))…`. Codecs are compiled on first use, after
every pallet has registered its types. Values are plain Python (see localnet.scale.codecs); reading an
absent key gives the declared default (a fresh copy for mutable values), or None for OptionQuery items.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from localnet.runtime.core_types import CODECS, SPACE
from localnet.runtime.state import Overlay, StateReader
from localnet.scale.codecs import Codec
from localnet.scale.hashers import HASHERS, twox128
from localnet.scale.metadata import StorageMeta
from localnet.scale.types import Array, Compact, Composite, Enum, Prim, Seq, Tup, TypeRef, is_option

_IMMUTABLE = (int, bytes, bool, str, type(None))


def zero_value(ty: TypeRef) -> Any:
    """The Rust `Default::default()` of a type, used when a ValueQuery item declares no default."""
    ty = SPACE.resolve(ty)
    if isinstance(ty, Prim):
        return {"bool": False, "str": "", "char": "\0"}.get(ty.name, 0)
    if isinstance(ty, Compact):
        return 0
    if isinstance(ty, Seq):
        return b"" if SPACE.resolve(ty.inner) == Prim("u8") else []
    if isinstance(ty, Array):
        return bytes(ty.length) if SPACE.resolve(ty.inner) == Prim("u8") else [zero_value(ty.inner)] * ty.length
    if isinstance(ty, Tup):
        return tuple(zero_value(t) for t in ty.items) if ty.items else None
    if isinstance(ty, Composite):
        if not ty.fields:
            return None
        if all(f.name is None for f in ty.fields):
            vals = tuple(zero_value(f.ty) for f in ty.fields)
            return vals[0] if len(vals) == 1 else vals
        return {f.name: zero_value(f.ty) for f in ty.fields}
    if isinstance(ty, Enum):
        if is_option(ty):
            return None
        return ty.variants[0].name
    raise TypeError(f"no default for {ty!r}")


class StorageItem:
    """A storage value (no keys), map (one key) or n-map (several keys)."""

    def __init__(self, pallet: str, name: str, keys: list[tuple[str, str]], value: str, *,
                 default: Any = None, optional: bool = False, docs: str = "") -> None:
        for _, hasher in keys:
            if hasher not in HASHERS:
                raise ValueError(f"{pallet}.{name}: unknown hasher {hasher!r}")
        self.pallet = pallet
        self.name = name
        self.key_types = [SPACE.parse(t) for t, _ in keys]
        self.hashers = [h for _, h in keys]
        self.value_type = SPACE.parse(value)
        self.optional = optional
        self._default = default
        self.docs = docs
        self.prefix = twox128(pallet.encode()) + twox128(name.encode())
        self._codec: Codec | None = None
        self._key_codecs: list[Codec] = []
        self._hash_fns = [HASHERS[h][0] for h in self.hashers]

    # -- compiled lazily so declarations may name types registered later -------------------------------
    @property
    def codec(self) -> Codec:
        """The value codec (compiled on first use)."""
        if self._codec is None:  # `_codec` is set last: other threads treat it as "all compiled"
            self._key_codecs = [CODECS.codec(t) for t in self.key_types]
            if not self.optional and self._default is None:
                self._default = zero_value(self.value_type)
            codec = CODECS.codec(self.value_type)
            self._codec = codec
        return self._codec

    def forget_codec(self) -> None:
        """Compile again on next use: a genesis moved the pallets, and a value type may embed the outer
        enums (System.Events holds RuntimeEvent, whose variant index is the pallet index)."""
        self._codec = None

    @property
    def default(self) -> Any:
        """The ValueQuery default (None for OptionQuery items)."""
        self.codec  # noqa: B018 - compiles and fills the default
        return None if self.optional else self._default

    def key(self, *keys: Any) -> bytes:
        """The full storage key for these key values (a prefix when fewer keys are given)."""
        if len(keys) > len(self.key_types):
            raise TypeError(f"{self.pallet}.{self.name} takes {len(self.key_types)} key(s)")
        if not keys:
            return self.prefix
        self.codec  # noqa: B018
        parts = [self.prefix]
        for k, c, h in zip(keys, self._key_codecs, self._hash_fns, strict=False):
            parts.append(h(c.encode(k)))
        return b"".join(parts)

    def _check_full(self, keys: tuple[Any, ...]) -> None:
        if len(keys) != len(self.key_types):
            raise TypeError(f"{self.pallet}.{self.name} takes {len(self.key_types)} key(s), got {len(keys)}")

    def decode_value(self, raw: bytes | None) -> Any:
        """Decode stored bytes, applying the default for an absent value."""
        if raw is None:
            d = self.default
            return d if isinstance(d, _IMMUTABLE) else copy.deepcopy(d)
        return self.codec.decode_all(raw)

    def get(self, state: StateReader, *keys: Any) -> Any:
        """The value at these keys (default / None when absent)."""
        self._check_full(keys)
        return self.decode_value(state.get(self.key(*keys)))

    def contains(self, state: StateReader, *keys: Any) -> bool:
        """Whether a value is stored at these keys."""
        self._check_full(keys)
        return state.get(self.key(*keys)) is not None

    def set(self, state: Overlay, *args: Any) -> None:
        """`set(state, *keys, value)`; for ValueQuery items setting the default still stores it."""
        *keys, value = args
        self._check_full(tuple(keys))
        if value is None and self.optional:
            state.set(self.key(*keys), None)
            return
        state.set(self.key(*keys), self.codec.encode(value))

    def remove(self, state: Overlay, *keys: Any) -> None:
        """Delete the value at these keys."""
        self._check_full(keys)
        state.set(self.key(*keys), None)

    def mutate(self, state: Overlay, *keys: Any, fn: Any) -> Any:
        """Read, apply `fn`, write back; returns the new value."""
        value = fn(self.get(state, *keys))
        self.set(state, *keys, value)
        return value

    def decode_key(self, full: bytes, skip: int = 0) -> tuple[Any, ...]:
        """Recover key values from a full storage key (needs *Concat or Identity hashers)."""
        self.codec  # noqa: B018
        o = len(self.prefix)
        out: list[Any] = []
        for i, (c, h) in enumerate(zip(self._key_codecs, self.hashers, strict=True)):
            hash_len = HASHERS[h][2]
            if hash_len is None:
                raise TypeError(f"{self.pallet}.{self.name}: hasher {h} does not keep the key")
            value, o = c.decode(full, o + hash_len)
            if i >= skip:
                out.append(value)
        return tuple(out)

    def _walk(self, state: StateReader, prefix: bytes, skip: int) -> Iterator[tuple[tuple[Any, ...], Any]]:
        start: bytes | None = None
        while True:
            batch = state.keys_after(prefix, start, 512)
            for k in batch:
                raw = state.get(k)
                if raw is not None:
                    yield self.decode_key(k, skip), self.codec.decode_all(raw)
            if len(batch) < 512:
                return
            start = batch[-1]

    def iter(self, state: StateReader) -> Iterator[tuple[tuple[Any, ...], Any]]:
        """All (keys, value) pairs in key order (hash order for hashed keys, as on chain)."""
        return self._walk(state, self.prefix, 0)

    def iter_prefix(self, state: StateReader, *first: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
        """(remaining keys, value) pairs under the first key(s) of an n-map."""
        return self._walk(state, self.key(*first), len(first))

    def clear(self, state: Overlay, *first: Any) -> int:
        """Remove every entry (under the given first keys); returns how many were removed."""
        keys = list(state.iter_prefix(self.key(*first)))
        for k in keys:
            state.set(k, None)
        return len(keys)

    def meta(self) -> StorageMeta:
        """The metadata entry for this item."""
        default = b"\x00" if self.optional else self.codec.encode(self.default)
        return StorageMeta(self.name, self.value_type, list(self.key_types), list(self.hashers),
                           self.optional, default, [self.docs] if self.docs else [])
