"""Storage keys and values by the runtime's own declarations: hashers and value types from its metadata.

Why: dTAO moved and retyped storage (Alpha shares u64 → U64F64, TaoWeight per netuid → global, new maps), so
a key built from a hasher taocli assumes, or a value decoded by a type it assumes, is wrong on some era.
Here the hashers come from the item's declaration, the value is decoded by its declared type, and an unwritten
item reads as the declared default (the real runtime's defaults differ from the 2024 constants).
"""

from __future__ import annotations

import hashlib
from typing import Any

import xxhash

from chain.runtime.portable import decode, decode_all
from chain.runtime.shape import RuntimeShape, StorageShape
from chain.scale import Reader, ScaleError
from chain.storage import twox128

_CONCAT_PREFIX = {"Blake2_128Concat": 16, "Twox64Concat": 8, "Identity": 0}


def _hash(hasher: str, data: bytes) -> bytes:
    if hasher == "Identity":
        return data
    if hasher == "Blake2_128Concat":
        return hashlib.blake2b(data, digest_size=16).digest() + data
    if hasher == "Twox64Concat":
        return xxhash.xxh64(data, seed=0).digest()[::-1] + data
    if hasher == "Blake2_128":
        return hashlib.blake2b(data, digest_size=16).digest()
    if hasher == "Blake2_256":
        return hashlib.blake2b(data, digest_size=32).digest()
    if hasher == "Twox128":
        return twox128(data)
    if hasher == "Twox256":
        return b"".join(xxhash.xxh64(data, seed=s).digest()[::-1] for s in range(4))
    raise ValueError(f"unknown storage hasher {hasher}")


def item(shape: RuntimeShape, pallet: str, name: str) -> StorageShape:
    found = shape.item(pallet, name)
    if found is None:
        raise KeyError(f"this chain's runtime has no storage item {pallet}.{name}")
    return found


def storage_key(shape: RuntimeShape, pallet: str, name: str, *keys: bytes) -> str:
    """The 0x-hex key of `pallet.name` at the SCALE-encoded `keys`, hashed as the item declares (a prefix
    of the map when fewer keys than hashers are given, for key listings)."""
    entry = item(shape, pallet, name)
    if len(keys) > len(entry.hashers):
        raise ValueError(f"{pallet}.{name} takes {len(entry.hashers)} keys, got {len(keys)}")
    parts = [_hash(h, k) for h, k in zip(entry.hashers, keys, strict=False)]
    return "0x" + (twox128(pallet.encode()) + twox128(name.encode()) + b"".join(parts)).hex()


def decode_value(shape: RuntimeShape, pallet: str, name: str, raw: bytes | None) -> Any:
    """A stored value by its declared type; an absent one is None for an Optional item, else the default."""
    entry = item(shape, pallet, name)
    if raw is None:
        if entry.optional:
            return None
        raw = entry.default
    return decode_all(shape.metadata, entry.value_id, raw)


def split_key(shape: RuntimeShape, pallet: str, name: str, key: str | bytes) -> list[Any]:
    """The map keys inside a full storage key, decoded by the declared key types (e.g. an `Alpha` key →
    [hotkey bytes, coldkey bytes, netuid]). Only "concat" hashers keep the key readable; any other raises."""
    entry = item(shape, pallet, name)
    raw = bytes.fromhex(key[2:]) if isinstance(key, str) else bytes(key)
    r = Reader(raw[32:])
    if raw[:32] != twox128(pallet.encode()) + twox128(name.encode()):
        raise ValueError(f"the key is not under {pallet}.{name}")
    if entry.key_id is None:
        return []
    key_type = shape.metadata.type(entry.key_id)
    type_ids = list(key_type.items) if len(entry.hashers) > 1 else [entry.key_id]
    values = []
    for hasher, type_id in zip(entry.hashers, type_ids, strict=True):
        if hasher not in _CONCAT_PREFIX:
            raise ValueError(f"{pallet}.{name} hashes a key with {hasher}, which cannot be read back")
        r.take(_CONCAT_PREFIX[hasher])
        values.append(decode(shape.metadata, type_id, r))
    if r.remaining:
        raise ScaleError(f"{r.remaining} bytes left after the keys of {pallet}.{name}")
    return values
