"""An in-memory chain driving the Runtime without the node: block history, headers, hashes.

Tests and benches use it to run the real runtime block by block with real state and real block hashes,
exactly as the node does, minus SQLite and sockets. Every block keeps a full state snapshot (fine for the
small states of tests; the node's store keeps versioned history instead).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from localnet.node import header_hash
from localnet.runtime.executive import BlockOutcome, Runtime
from localnet.runtime.state import DictState
from localnet.runtime.validation import ValidTransaction
from localnet.scale.hashers import blake2_256


def _root(items: list[bytes]) -> bytes:
    return blake2_256(b"".join(blake2_256(x) for x in items))


@dataclass
class DevBlock:
    """One block of the in-memory chain."""

    number: int
    hash: bytes
    parent_hash: bytes
    state_root: bytes
    extrinsics_root: bytes
    extrinsics: list[bytes]
    state: DictState
    outcome: BlockOutcome | None = None


@dataclass
class DevChain:
    """Genesis plus blocks, each produced by `Runtime.execute_block` on the previous block's state."""

    runtime: Runtime
    blocks: list[DevBlock] = field(default_factory=list)

    def __post_init__(self) -> None:
        state = DictState(self.runtime.genesis_storage())
        root = _root(sorted(state.data))
        gen_hash = header_hash(bytes(32), 0, root, _root([]))
        self.blocks.append(DevBlock(0, gen_hash, bytes(32), root, _root([]), [], state))

    @property
    def head(self) -> DevBlock:
        """The best (latest) block."""
        return self.blocks[-1]

    @property
    def genesis_hash(self) -> bytes:
        """Hash of block 0."""
        return self.blocks[0].hash

    def block_hash(self, number: int) -> bytes | None:
        """Hash of block `number`, None beyond the head."""
        return self.blocks[number].hash if 0 <= number < len(self.blocks) else None

    def by_hash(self, block_hash: bytes) -> DevBlock | None:
        """The block with this hash, if any."""
        return next((b for b in self.blocks if b.hash == block_hash), None)

    def validate(self, xt: bytes) -> ValidTransaction:
        """Pool validation at the head (raises TransactionError)."""
        return self.runtime.validate_transaction(self.head.state, xt, best_number=self.head.number,
                                                 block_hash=self.block_hash, genesis_hash=self.genesis_hash)

    def produce(self, extrinsics: list[bytes] | None = None, timestamp_ms: int | None = None) -> DevBlock:
        """Execute and append the next block."""
        parent = self.head
        ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
        outcome = self.runtime.execute_block(parent.state, number=parent.number + 1, parent_hash=parent.hash,
                                             timestamp_ms=ts, extrinsics=list(extrinsics or []))
        state = DictState(parent.state.data)
        state.apply(outcome.changes)
        root = blake2_256(b"".join(k + (v or b"") for k, v in sorted(outcome.changes.items())) + parent.state_root)
        xroot = _root(outcome.extrinsics)
        number = parent.number + 1
        block = DevBlock(number, header_hash(parent.hash, number, root, xroot), parent.hash, root, xroot,
                         outcome.extrinsics, state, outcome)
        self.blocks.append(block)
        return block
