"""Hash commit-reveal of weights (commit_weights [96] / reveal_weights [97], dtao-2025.md §7), as pure functions.

The chain stores only BlakeTwo256 of the SCALE tuple (hotkey, netuid u16, uids Vec<u16>, values Vec<u16>,
salt Vec<u16>, version_key u64) and accepts the reveal only inside one epoch window, so both the bytes and the
window must be exactly the runtime's. Two epoch rules: R218/R233's block arithmetic e(b) = (b + netuid + 1) /
(tempo + 1) (`window_by_blocks`, exact), and spec 423+'s epoch counter in storage, `SubnetEpochIndex`
(`window_by_index`, P2.6); chain/rooms/commits.py picks one by whether the runtime declares that item.
`Reveal` is what the committer must keep until the window opens.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

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


OPEN, EARLY, EXPIRED = "open", "too early", "expired"


@dataclass(frozen=True)
class RevealWindow:
    """Where a commit stands for a reveal landing in block `at`: OPEN, EARLY or EXPIRED, and the window.

    `exact` is False under the epoch-index rule: there the window follows `LastEpochBlock + tempo`, which an
    owner-triggered or deferred epoch can move, so its blocks are the runtime's schedule, not a promise.
    """

    state: str
    first: int  # first block a reveal can land in
    last: int  # last block a reveal can land in (inclusive)
    exact: bool = True


def window_by_blocks(commit_block: int, netuid: int, tempo: int, period: int, at: int) -> RevealWindow:
    """R218/R233 (no `SubnetEpochIndex` declared): epochs are block arithmetic, the window is exact."""
    first, last = reveal_window(commit_block, netuid, tempo, period)
    state = EARLY if at < first else EXPIRED if at > last else OPEN
    return RevealWindow(state, first, last)


def fires_at(last_epoch_block: int, pending_at: int, tempo: int, block: int) -> bool:
    """Whether the subnet's epoch runs in `block` under the index rule (`should_run_epoch`, P2.6; the
    runtime's safety net after 50,400 blocks without an epoch is left out)."""
    return tempo > 0 and ((0 < pending_at <= block) or block - last_epoch_block >= tempo)


def epoch_with_lookahead(index: int, last_epoch_block: int, pending_at: int, tempo: int, block: int) -> int:
    """The epoch a commit or reveal executed in `block` belongs to: the counter, +1 if an epoch fires there."""
    return index + (1 if fires_at(last_epoch_block, pending_at, tempo, block) else 0)


def window_by_index(commit_epoch: int, period: int, index: int, last_epoch_block: int, pending_at: int,
                    tempo: int, at: int) -> RevealWindow:
    """Spec 423+ (`SubnetEpochIndex` declared): a commit of epoch e is revealable while the subnet's epoch
    counter, looked ahead to an epoch firing in block `at` itself, equals e + period (P2.6). Epochs fire when
    `at - LastEpochBlock >= tempo` or at an owner's `PendingEpochAt`, whichever comes first."""
    def fires(block: int) -> bool:
        return fires_at(last_epoch_block, pending_at, tempo, block)

    current = index + (1 if fires(at) else 0)
    target = commit_epoch + period
    if fires(at):  # the epoch `current` starts at `at`; the next one a tempo later
        started, next_fire = at, at + tempo
    else:
        started = last_epoch_block
        next_fire = last_epoch_block + tempo if pending_at <= 0 else min(last_epoch_block + tempo, pending_at)
    if current == target:
        return RevealWindow(OPEN, started, next_fire - 1, exact=False)
    if current > target:
        return RevealWindow(EXPIRED, started - (current - target) * tempo, started - (current - target - 1) * tempo
                            - 1, exact=False)
    first = next_fire + (target - current - 1) * tempo
    return RevealWindow(EARLY, first, first + tempo - 1, exact=False)


SALT_LENGTH = 8  # u16 words; btcli 9 sends 8 random bytes, each as a u16: 8 random u16s are 16 bytes of salt


def new_salt(length: int = SALT_LENGTH) -> tuple[int, ...]:
    """A fresh random salt (`secrets`): the only thing that keeps committed weights unguessable until revealed."""
    return tuple(secrets.randbelow(65_536) for _ in range(length))


@dataclass(frozen=True)
class Reveal:
    """What reveal_weights sends and the chain re-hashes. The chain stores only the hash, so the committer must
    keep these until the window opens (a file per commit, chain/commit_store.py; the validator's state)."""

    netuid: int
    uids: tuple[int, ...]
    values: tuple[int, ...]
    salt: tuple[int, ...]
    version_key: int

    def __post_init__(self) -> None:
        for name in ("uids", "values", "salt"):
            seq = getattr(self, name)
            if any(not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < 65_536 for v in seq):
                raise ValueError(f"{name} must be integers from 0 to 65535")
        if len(self.uids) != len(self.values):
            raise ValueError(f"{len(self.uids)} uids but {len(self.values)} values")
        if not 0 <= self.version_key < 2**64 or not 0 <= self.netuid < 65_536:
            raise ValueError("netuid or version_key out of range")

    def digest(self, hotkey: bytes) -> bytes:
        return commit_hash(hotkey, self.netuid, self.uids, self.values, self.salt, self.version_key)

    def to_json(self) -> dict[str, int | list[int]]:
        return {"netuid": self.netuid, "uids": list(self.uids), "values": list(self.values), "salt": list(self.salt),
                "version_key": self.version_key}

    @classmethod
    def from_json(cls, doc: dict) -> Reveal:
        """Raises ValueError/KeyError/TypeError on anything that is not a reveal the chain could take."""
        return cls(int(doc["netuid"]), tuple(doc["uids"]), tuple(doc["values"]), tuple(doc["salt"]),
                   int(doc["version_key"]))

    def params(self) -> dict[str, int | list[int]]:
        """reveal_weights' arguments (the same names)."""
        return self.to_json()
