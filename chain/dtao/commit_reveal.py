"""Hash commit-reveal of weights (commit_weights [96] / reveal_weights [97], dtao-2025.md §7), as pure functions.

The chain stores only BlakeTwo256 of the SCALE tuple (hotkey, netuid u16, uids Vec<u16>, values Vec<u16>,
salt Vec<u16>, version_key u64) and accepts the reveal only inside one epoch window, so both the bytes and the
window must be exactly the runtime's. Epochs here are R218/R233's: e(b) = (b + netuid + 1) / (tempo + 1);
spec 423+ counts epochs in storage (SubnetEpochIndex), so a room must use these windows only where the
runtime declares no such item.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from chain.scale import encode_compact


def _u16s(values: Sequence[int]) -> bytes:
    return encode_compact(len(values)) + b"".join(int(v).to_bytes(2, "little") for v in values)


def commit_hash(hotkey: bytes, netuid: int, uids: Sequence[int], values: Sequence[int], salt: Sequence[int],
                version_key: int) -> bytes:
    """The 32-byte H256 that commit_weights takes and reveal_weights must reproduce."""
    if len(hotkey) != 32:
        raise ValueError("the hotkey must be a 32-byte public key")
    payload = (bytes(hotkey) + netuid.to_bytes(2, "little") + _u16s(uids) + _u16s(values) + _u16s(salt)
               + version_key.to_bytes(8, "little"))
    return hashlib.blake2b(payload, digest_size=32).digest()


def epoch_index(block: int, netuid: int, tempo: int) -> int:
    return (block + netuid + 1) // (tempo + 1)


def reveal_window(commit_block: int, netuid: int, tempo: int, reveal_period: int = 1) -> tuple[int, int]:
    """(first, last) block at which a commit made at `commit_block` may be revealed (inclusive)."""
    reveal_epoch = epoch_index(commit_block, netuid, tempo) + reveal_period
    first = max(reveal_epoch * (tempo + 1) - (netuid + 1), 0)
    return first, first + tempo
