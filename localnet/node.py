"""The block author: ties the runtime, the store and the pool together and seals blocks.

Three modes: timed (a block every `block_time` seconds, empty or not, like finney's 12 s), fast (the same
with 0.25 s) and instant (a block as soon as ready extrinsics wait, batching whatever arrived while the
previous block was being built). Block execution runs in a worker thread so that RPC requests and
submissions keep being answered while a block is built; submission only validates and queues, so it never
waits for (or blocks) block production. Finality is instant: the finalized head is always the best block.
Each pooled transaction is tied to the best block it was validated at, so that after every sealed block the
pool can drop what outlived its longevity (an ended mortal era, a one-block `set_weights`) before a client
waits on it forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from localnet.pool import Pool, PoolError, tx_hash
from localnet.scale.codec import encode_compact
from localnet.scale.hashers import blake2_256
from localnet.store import BlockRecord, StateDiscarded, StateView, StorageFailure, Store

log = logging.getLogger("localnet.node")

ZERO_HASH = b"\0" * 32
MAX_BLOCK_EXTRINSICS = 4096
# pooled transactions re-validated after each block (oldest first); the rest still expire by longevity
REVALIDATE_PER_BLOCK = 128
# rejections that mean "not now" rather than "never": the transaction stays in the pool
_RETRY_LATER = ("future", "exhaust")


def header_hash(parent: bytes, number: int, state_root: bytes, extrinsics_root: bytes) -> bytes:
    """Substrate's header hash with an empty digest: blake2_256(parent ‖ Compact(n) ‖ roots ‖ Compact(0))."""
    return blake2_256(parent + encode_compact(number) + state_root + extrinsics_root + encode_compact(0))


def state_root(parent_root: bytes, changes: dict[bytes, bytes | None]) -> bytes:
    """A digest chained over every block's state changes. Not a trie root: clients never check it, but it
    changes exactly when state changes, which is what tests and `status` compare."""
    h = hashlib.blake2b(parent_root, digest_size=32)
    for key in sorted(changes):
        value = changes[key]
        h.update(encode_compact(len(key)) + key)
        h.update(b"\0" if value is None else b"\1" + encode_compact(len(value)) + value)
    return h.digest()


def extrinsics_root(extrinsics: list[bytes]) -> bytes:
    return blake2_256(encode_compact(len(extrinsics)) + b"".join(extrinsics))


@dataclass(frozen=True)
class BlockMode:
    """How blocks are sealed: `instant`, or every `interval` seconds."""

    instant: bool = False
    interval: float = 12.0

    def describe(self) -> str:
        return "instant (sealed on submit)" if self.instant else f"every {self.interval:g} s"


class UnknownBlock(LookupError):
    """A block hash or number the chain does not have."""


class StorageUnavailable(Exception):
    """Submissions are refused while the node cannot write blocks (disk full, I/O error). Carries a JSON-RPC
    code/message/data like the pool's errors, so the client reads the real cause instead of a ban."""

    code = -32000
    message = "Storage error"

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.data = f"the node cannot write its database ({why}); free disk space (or fix the disk), then retry"


HeadListener = Callable[[BlockRecord, dict], None]
TxListener = Callable[[Any], None]


class Node:
    """One local chain: genesis on first start, then blocks on the chosen schedule."""

    def __init__(self, runtime: Any, store: Store, mode: BlockMode, *, max_ready: int = 8192,
                 max_future: int = 1024):
        self.runtime = runtime
        self.store = store
        self.mode = mode
        self.pool = Pool(max_ready=max_ready, max_future=max_future, listener=self._pool_status)
        self._watchers: dict[bytes, list[TxListener]] = {}
        self._head_listeners: list[HeadListener] = []
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="author")
        self._wake = asyncio.Event()
        self._sealing = asyncio.Lock()
        self._task: asyncio.Task | None = None
        self.started_at = time.time()
        self.blocks_sealed = 0
        self.storage_error: str | None = None  # set while blocks cannot be written; cleared by the next success
        self._storage_logged = 0.0
        self._ensure_genesis()
        self.genesis_hash: bytes = store.hash_of(0) or ZERO_HASH

    # -- genesis --------------------------------------------------------------------------------------

    def _ensure_genesis(self) -> None:
        if self.store.best is not None:
            return
        changes: dict[bytes, bytes | None] = dict(self.runtime.genesis_storage())
        sroot = state_root(ZERO_HASH, changes)
        xroot = extrinsics_root([])
        block = BlockRecord(0, header_hash(ZERO_HASH, 0, sroot, xroot), ZERO_HASH, sroot, xroot, 0, ())
        self.store.commit_block(block, changes)
        log.info("wrote genesis block 0x%s", block.hash.hex())

    # -- reading --------------------------------------------------------------------------------------

    @property
    def best(self) -> BlockRecord:
        best = self.store.best
        assert best is not None  # genesis is written in __init__
        return best

    def block(self, block_hash: bytes | None, *, with_extrinsics: bool = True) -> BlockRecord:
        """The block with this hash (best when None); raises UnknownBlock."""
        if block_hash is None:
            record = self.store.block_by_number(self.best.number, with_extrinsics=with_extrinsics)
        else:
            record = self.store.block_by_hash(block_hash, with_extrinsics=with_extrinsics)
        if record is None:
            raise UnknownBlock("0x" + (block_hash or b"").hex())
        return record

    def state(self, block_hash: bytes | None = None) -> StateView:
        """State reader at a block hash (best when None); raises UnknownBlock or StateDiscarded."""
        if block_hash is None:
            return self.store.at()
        number = self.store.number_of(block_hash)
        if number is None:
            raise UnknownBlock("0x" + block_hash.hex())
        return self.store.at(number)

    # -- submission -----------------------------------------------------------------------------------

    def validate(self, xt: bytes, state: StateView | None = None) -> Any:
        """The runtime's verdict on an extrinsic against the best state (raises its TransactionError)."""
        return self._validate_at_best(xt, state)[0]

    def _validate_at_best(self, xt: bytes, state: StateView | None = None) -> tuple[Any, int]:
        """The verdict and the number of the best block it was reached at. Why both: a validity's
        longevity counts from that block, and a block sealed meanwhile must not shift the count."""
        best = self.best
        valid = self.runtime.validate_transaction(
            state or self.store.at(best.number), xt, best_number=best.number,
            block_hash=self.store.hash_of, genesis_hash=self.genesis_hash,
        )
        return valid, best.number

    def submit(self, xt: bytes, watcher: TxListener | None = None) -> tuple[bytes, str]:
        """Validate and queue an extrinsic; returns (hash, "ready" | "future"). Raises the runtime's
        TransactionError or PoolError, both carrying Substrate's author error code."""
        if self.storage_error is not None:
            raise StorageUnavailable(self.storage_error)
        h = tx_hash(xt)
        self.pool.precheck(h)
        valid, at = self._validate_at_best(xt)
        status = self.pool.submit(xt, valid, h, at=at)
        if watcher is not None:
            self._watchers.setdefault(h, []).append(watcher)
        if status == "ready" and self.mode.instant:
            self._wake.set()
        return h, status

    def unwatch(self, h: bytes, watcher: TxListener) -> None:
        listeners = self._watchers.get(h)
        if listeners and watcher in listeners:
            listeners.remove(watcher)
            if not listeners:
                del self._watchers[h]

    def _pool_status(self, h: bytes, status: str, data: Any) -> None:
        if status == "future":
            return  # the submitter reports its first status itself, right after subscribing
        if status == "ready":
            self._emit(h, "ready", final=False)  # a future one promoted (no watcher yet on first submit)
        elif status == "usurped":
            self._emit(h, {"usurped": data}, final=True)
        else:
            self._emit(h, status, final=True)

    def _emit(self, h: bytes, event: Any, *, final: bool) -> None:
        listeners = self._watchers.pop(h, []) if final else self._watchers.get(h, [])
        for listener in list(listeners):
            try:
                listener(event)
            except Exception:  # a broken client connection must not stop the author
                log.exception("transaction watcher failed")

    def add_head_listener(self, listener: HeadListener) -> None:
        self._head_listeners.append(listener)

    def remove_head_listener(self, listener: HeadListener) -> None:
        with contextlib.suppress(ValueError):
            self._head_listeners.remove(listener)

    # -- authoring ------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the author loop on the running event loop."""
        self._task = asyncio.get_running_loop().create_task(self._author_loop(), name="author")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        async with self._sealing:
            self._executor.shutdown(wait=True)

    async def _author_loop(self) -> None:
        next_slot = time.monotonic() + self.mode.interval
        while True:
            if self.mode.instant:
                if not self.pool.ready_count:
                    self._wake.clear()
                    await self._wake.wait()
            else:
                await asyncio.sleep(max(0.0, next_slot - time.monotonic()))
                next_slot = max(next_slot + self.mode.interval, time.monotonic())
            try:
                await self.seal()
            except StorageFailure as err:  # the disk, not the transactions: they stay pooled for the retry
                self._log_storage_failure(err)
                await asyncio.sleep(0.5)
            except Exception:  # keep authoring; the runtime failed on this block
                log.exception("sealing a block failed")
                await asyncio.sleep(0.5)

    async def seal(self) -> BlockRecord:
        """Build, execute, store and announce one block with whatever is ready now."""
        async with self._sealing:
            parent = self.best
            candidates = self.pool.ready(MAX_BLOCK_EXTRINSICS)
            timestamp = max(int(time.time() * 1000), parent.timestamp + 1)
            loop = asyncio.get_running_loop()
            try:
                record, outcome = await loop.run_in_executor(
                    self._executor, self._build, parent, [xt for _, xt in candidates], timestamp
                )
            except StorageFailure as err:
                self.storage_error = str(err)
                raise
            except Exception:
                # A runtime failure on these transactions must not stall the chain: drop them (their
                # watchers hear "dropped") so the next block can be built without them.
                for h, _ in candidates:
                    self.pool.remove(h, "dropped")
                self.pool.ban(h for h, _ in candidates)
                raise
            if self.storage_error is not None:
                log.warning("blocks are written again (after: %s)", self.storage_error)
                self.storage_error = None
            self._after_block(record, outcome, candidates)
            return record

    def _log_storage_failure(self, err: StorageFailure) -> None:
        """One line, at most every 30 s, while the disk stays full: not a traceback every half second."""
        now = time.monotonic()
        if now - self._storage_logged >= 30:
            self._storage_logged = now
            log.error("%s; %d transactions wait in the pool and new ones are refused until it succeeds", err,
                      self.pool.ready_count + self.pool.future_count)

    def _build(self, parent: BlockRecord, xts: list[bytes], timestamp: int) -> tuple[BlockRecord, Any]:
        """Worker thread: execute on the parent state and commit (one SQLite transaction)."""
        number = parent.number + 1
        outcome = self.runtime.execute_block(self.store.at(parent.number), number=number, parent_hash=parent.hash,
                                             timestamp_ms=timestamp, extrinsics=xts)
        included = list(outcome.extrinsics)
        sroot = state_root(parent.state_root, outcome.changes)
        xroot = extrinsics_root(included)
        record = BlockRecord(number, header_hash(parent.hash, number, sroot, xroot), parent.hash, sroot, xroot,
                             timestamp, tuple(included))
        self.store.commit_block(record, outcome.changes)
        return record, outcome

    def _after_block(self, record: BlockRecord, outcome: Any, candidates: list[tuple[bytes, bytes]]) -> None:
        self.blocks_sealed += 1
        included = {tx_hash(xt) for xt in record.extrinsics}
        invalid: dict[bytes, Any] = {}
        for xt, err in outcome.rejected:
            data = str(getattr(err, "data", "") or "").lower()
            if not any(word in data for word in _RETRY_LATER):
                invalid[tx_hash(xt)] = err
        self.pool.on_block([h for h, _ in candidates if h in included], invalid, self._revalidate,
                           REVALIDATE_PER_BLOCK, number=record.number)
        block_hex = "0x" + record.hash.hex()
        for h, _ in candidates:
            if h in included:
                self._emit(h, {"inBlock": block_hex}, final=False)
                self._emit(h, {"finalized": block_hex}, final=True)
        for listener in list(self._head_listeners):
            try:
                listener(record, outcome.changes)
            except Exception:
                log.exception("head listener failed")
        log.log(logging.INFO if len(record.extrinsics) > 1 or outcome.rejected else logging.DEBUG,
                "sealed #%d 0x%s: %d extrinsics, %d rejected, pool %d ready / %d future", record.number,
                record.hash.hex()[:16], len(record.extrinsics), len(outcome.rejected), self.pool.ready_count,
                self.pool.future_count)
        if self.pool.ready_count and self.mode.instant:
            self._wake.set()

    def _revalidate(self, xt: bytes) -> Any:
        return self.validate(xt)

    # -- facts for `localnet status` ------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        best = self.best
        info: dict[str, Any] = {
            "chain": self.runtime.chain_name,
            "mode": self.mode.describe(),
            "best": best.number,
            "bestHash": "0x" + best.hash.hex(),
            "genesisHash": "0x" + self.genesis_hash.hex(),
            "pool": {"ready": self.pool.ready_count, "future": self.pool.future_count},
            "dataDir": str(self.store.path),
            "archive": self.store.archive,
            "uptime": round(time.time() - self.started_at, 1),
        }
        for name, (pallet, item) in {"accounts": ("System", "Account"),
                                     "subnets": ("SubtensorModule", "NetworksAdded")}.items():
            try:
                prefix = self.runtime.storage_key(pallet, item)
            except Exception:  # pallet not in this runtime
                continue
            info[name] = len(self.store.head_items(prefix))
        return info


__all__ = ["BlockMode", "Node", "PoolError", "StateDiscarded", "UnknownBlock", "header_hash"]
