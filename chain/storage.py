"""Plain storage keys and the few value layouts taocli reads without metadata.

Used for balances (always) and as the fallback when a chain lacks the subtensor info RPCs: the key of a
storage item is twox128(pallet) ‖ twox128(item) ‖ hashed keys, so it can be built from names alone.
"""

from __future__ import annotations

import hashlib

import xxhash

from chain.scale import Reader


def twox128(data: bytes) -> bytes:
    return xxhash.xxh64(data, seed=0).digest()[::-1] + xxhash.xxh64(data, seed=1).digest()[::-1]


def blake2_128_concat(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest() + data


def identity(data: bytes) -> bytes:
    return data


def prefix(pallet: str, item: str) -> bytes:
    return twox128(pallet.encode()) + twox128(item.encode())


def key(pallet: str, item: str, *parts: bytes) -> str:
    """The 0x-hex storage key; `parts` are already hashed (use the hasher helpers above)."""
    return "0x" + (prefix(pallet, item) + b"".join(parts)).hex()


def u16_key(value: int) -> bytes:
    return value.to_bytes(2, "little")


def decode_account_info(data: bytes | None) -> dict[str, int]:
    """System.Account value: four u32 counters, then AccountData {free, reserved, frozen: u64, flags: u128}.

    Subtensor's Balance type is u64 (not the u128 of most Substrate chains).
    """
    if not data:
        return {"nonce": 0, "free": 0, "reserved": 0, "frozen": 0}
    r = Reader(data)
    nonce = r.u32()
    r.u32(), r.u32(), r.u32()
    return {"nonce": nonce, "free": r.u64(), "reserved": r.u64(), "frozen": r.u64()}


def hex_bytes(value: str | None) -> bytes | None:
    if value is None:
        return None
    return bytes.fromhex(value[2:] if value.startswith("0x") else value)
