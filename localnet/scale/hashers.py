"""Storage hashers exactly as Substrate names them, keyed by their metadata names.

Storage keys are `twox128(pallet) ‖ twox128(item) ‖ hasher(key)…`; the same functions serve the runtime,
the node's key prefixes and the tests that compare with substrate-interface.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import xxhash


def twox64(data: bytes) -> bytes:
    """xxHash64 with seed 0, little-endian."""
    return xxhash.xxh64_intdigest(data, seed=0).to_bytes(8, "little")


def twox128(data: bytes) -> bytes:
    """Two xxHash64 rounds (seeds 0 and 1) concatenated: Substrate's `Twox128`."""
    return (
        xxhash.xxh64_intdigest(data, seed=0).to_bytes(8, "little")
        + xxhash.xxh64_intdigest(data, seed=1).to_bytes(8, "little")
    )


def twox256(data: bytes) -> bytes:
    """Four xxHash64 rounds (seeds 0..3): Substrate's `Twox256`."""
    return b"".join(xxhash.xxh64_intdigest(data, seed=s).to_bytes(8, "little") for s in range(4))


def blake2_128(data: bytes) -> bytes:
    """BLAKE2b with a 16-byte digest."""
    return hashlib.blake2b(data, digest_size=16).digest()


def blake2_256(data: bytes) -> bytes:
    """BLAKE2b with a 32-byte digest: block hashes, extrinsic hashes and long signing payloads."""
    return hashlib.blake2b(data, digest_size=32).digest()


def blake2_128_concat(data: bytes) -> bytes:
    """`Blake2_128Concat`: the hash followed by the key itself, so keys can be recovered when iterating."""
    return hashlib.blake2b(data, digest_size=16).digest() + data


def twox64_concat(data: bytes) -> bytes:
    """`Twox64Concat`: xxHash64 followed by the key itself."""
    return xxhash.xxh64_intdigest(data, seed=0).to_bytes(8, "little") + data


def identity(data: bytes) -> bytes:
    """`Identity`: the SCALE key bytes unchanged."""
    return data


# Metadata name -> (function, index in the StorageHasher enum, bytes of hash before the raw key or None)
HASHERS: dict[str, tuple[Callable[[bytes], bytes], int, int | None]] = {
    "Blake2_128": (blake2_128, 0, None),
    "Blake2_256": (blake2_256, 1, None),
    "Blake2_128Concat": (blake2_128_concat, 2, 16),
    "Twox128": (twox128, 3, None),
    "Twox256": (twox256, 4, None),
    "Twox64Concat": (twox64_concat, 5, 8),
    "Identity": (identity, 6, 0),
}
