"""SQLite history of the local chain: blocks, extrinsics and versioned state.

Why versioned state: a client reads `System.Events` (and anything else) at the hash of the block that
included its transaction, often after newer blocks exist, so every kept block must be readable. Each
state row is `(key, block, value)` meaning "from block `block` on, `key` holds `value`" (`NULL` = deleted);
a read at block n takes the newest row with `block <= n`.

Why one SQLite transaction per block: after `kill -9` at any instant the database holds exactly the
blocks whose transaction committed, so the node restarts at the last complete block, never half of one.
WAL mode with `synchronous=NORMAL` keeps that guarantee for process crashes at a fraction of the cost of a
full fsync per block.

Why a head cache: almost every read (validation, RPC queries, block execution) is at the best block, so
the whole current state lives in a dict plus a sorted key list; history reads go to SQLite.

Why a lock file: two nodes on one data dir both wrote blocks (or one died on a UNIQUE constraint) and the
second overwrote `node.pid`. The store holds an exclusive `flock` on `node.lock` (with the holder's pid in it)
for as long as it is open; a second store on the same dir is refused naming that pid.

Why a state digest: a flipped bit in a stored value used to be served silently. The meta table keeps an
order-independent digest of the head state (the sum of blake2(key, value) over every entry, mod 2^256),
updated in each block's transaction; start-up recomputes it from the rows and refuses a mismatch, naming
the file and the remedy. A zero-length database is refused too, instead of silently becoming a new chain.

Why bodies are pruned: outside `--archive` the extrinsics of blocks older than the kept state window, and
headers older than BlockHashCount (4096, what mortal transactions can refer to), are deleted with the old
state, so a long-running node's database stops growing (it grew ~414 B per block forever).
"""

from __future__ import annotations

import bisect
import contextlib
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from localnet.store_guard import (  # the errors are re-exported: callers catch them from localnet.store
    DataDirLocked,
    StorageFailure,
    StoreError,
    entry_digest,
    release_lock,
    reset_advice,
    take_lock,
)

DEFAULT_KEEP_BLOCKS = 256
PRUNE_EVERY = 64
KEEP_HEADERS = 4096  # frame_system's BlockHashCount: the oldest block a mortal transaction can name
DB_FILE = "chain.sqlite"
_MOD = 1 << 256

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v BLOB);
CREATE TABLE IF NOT EXISTS blocks (
    number INTEGER PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE,
    parent BLOB NOT NULL,
    state_root BLOB NOT NULL,
    extrinsics_root BLOB NOT NULL,
    timestamp INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS extrinsics (
    number INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (number, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state (
    key BLOB NOT NULL,
    block INTEGER NOT NULL,
    value BLOB,
    PRIMARY KEY (key, block)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS state_by_block ON state (block);
"""


class StateDiscarded(LookupError):
    """A read at a block whose state has been pruned (only the newest `keep` blocks stay readable)."""


@dataclass(frozen=True)
class BlockRecord:
    """One sealed block as stored: the header fields plus its extrinsics (each SCALE-encoded, with length)."""

    number: int
    hash: bytes
    parent: bytes
    state_root: bytes
    extrinsics_root: bytes
    timestamp: int
    extrinsics: tuple[bytes, ...] = ()


def _prefix_end(prefix: bytes) -> bytes | None:
    """Smallest byte string greater than every key starting with `prefix` (None: no upper bound)."""
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return None
    return stripped[:-1] + bytes([stripped[-1] + 1])


class Store:
    """The node's database. Thread-safe: one connection guarded by a lock (SQLite serialises writes anyway)."""

    def __init__(self, data_dir: Path | str, *, keep_blocks: int = DEFAULT_KEEP_BLOCKS, archive: bool = False):
        self.path = Path(data_dir)
        self.path.mkdir(parents=True, exist_ok=True)
        self.keep_blocks = max(keep_blocks, DEFAULT_KEEP_BLOCKS)
        self.archive = archive
        self._lock = threading.RLock()
        self._lock_fd = take_lock(self.path)
        db_path = self.path / DB_FILE
        self.created = not db_path.exists()
        try:
            if not self.created and db_path.stat().st_size == 0:
                raise StoreError(f"the chain database {db_path} is empty (0 bytes) although it exists: the chain's "
                                 f"history is gone (truncated or never written); {reset_advice(self.path)}")
            self._db = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
                self._head: dict[bytes, bytes] = {}
                self._sorted: list[bytes] = []
                self._best: BlockRecord | None = None
                self._digest = 0
                self._pruned_below = int(self._meta("pruned_below") or b"0")
                self._load()
            except sqlite3.DatabaseError as err:
                self._db.close()
                raise StoreError(f"the chain database {db_path} is damaged ({err}); {reset_advice(self.path)}") \
                    from None
        except BaseException:
            self._lock_fd = release_lock(self._lock_fd)
            raise

    # -- start-up -------------------------------------------------------------------------------------

    def _meta(self, key: str) -> bytes | None:
        row = self._db.execute("SELECT v FROM meta WHERE k = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def _load(self) -> None:
        """Rebuild the in-memory head from the last committed block (what survives a crash)."""
        row = self._db.execute("SELECT MAX(number) FROM blocks").fetchone()
        if row[0] is None:
            return
        self._best = self.block_by_number(row[0], with_extrinsics=False)
        digest = 0
        for key, value, _ in self._db.execute(
            "SELECT key, value, MAX(block) FROM state GROUP BY key ORDER BY key"
        ):
            if value is not None:
                k, v = bytes(key), bytes(value)
                self._head[k] = v
                digest += entry_digest(k, v)
        self._sorted = sorted(self._head)
        self._digest = digest % _MOD
        stored = self._meta("state_digest")
        if stored is None:  # a database from before the digest: trust it once, check it from now on
            self.set_meta("state_digest", self._digest.to_bytes(32, "little"))
        elif int.from_bytes(stored, "little") != self._digest:
            raise StoreError(f"the chain database {self.path / DB_FILE} fails its start-up check: the stored state "
                             f"at block #{self._best.number if self._best else 0} does not match its digest (a "
                             f"value was changed outside the node, or the disk corrupted it); "
                             f"{reset_advice(self.path)}")

    # -- facts ----------------------------------------------------------------------------------------

    @property
    def best(self) -> BlockRecord | None:
        """The newest sealed block (None before genesis is written)."""
        return self._best

    @property
    def best_number(self) -> int:
        return -1 if self._best is None else self._best.number

    @property
    def oldest_state(self) -> int:
        """The oldest block whose state can still be read."""
        return self._pruned_below

    def get_meta(self, key: str) -> bytes | None:
        with self._lock:
            return self._meta(key)

    def set_meta(self, key: str, value: bytes) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", (key, value))

    def number_of(self, block_hash: bytes) -> int | None:
        """Block number for a hash, or None if the hash is unknown."""
        with self._lock:
            row = self._db.execute("SELECT number FROM blocks WHERE hash = ?", (block_hash,)).fetchone()
        return None if row is None else row[0]

    def hash_of(self, number: int) -> bytes | None:
        """Block hash at a height, or None above the best block."""
        with self._lock:
            row = self._db.execute("SELECT hash FROM blocks WHERE number = ?", (number,)).fetchone()
        return None if row is None else bytes(row[0])

    def block_by_number(self, number: int, *, with_extrinsics: bool = True) -> BlockRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT number, hash, parent, state_root, extrinsics_root, timestamp FROM blocks WHERE number = ?",
                (number,),
            ).fetchone()
            if row is None:
                return None
            xts: tuple[bytes, ...] = ()
            if with_extrinsics:
                xts = tuple(
                    bytes(d)
                    for (d,) in self._db.execute(
                        "SELECT data FROM extrinsics WHERE number = ? ORDER BY idx", (number,)
                    )
                )
        return BlockRecord(row[0], bytes(row[1]), bytes(row[2]), bytes(row[3]), bytes(row[4]), row[5], xts)

    def block_by_hash(self, block_hash: bytes, *, with_extrinsics: bool = True) -> BlockRecord | None:
        number = self.number_of(block_hash)
        return None if number is None else self.block_by_number(number, with_extrinsics=with_extrinsics)

    # -- writing --------------------------------------------------------------------------------------

    def commit_block(self, block: BlockRecord, changes: dict[bytes, bytes | None]) -> None:
        """Write a block and its state changes atomically, then move the head to it.

        Raises ValueError if the block does not extend the best block (the author is the only writer, so
        this means a bug, and refusing keeps the history consistent).
        """
        expected = self.best_number + 1
        if block.number != expected:
            raise ValueError(f"block {block.number} does not extend best block {expected - 1}")
        if self._best is not None and block.parent != self._best.hash:
            raise ValueError(f"block {block.number} parent does not match best block hash")
        with self._lock:
            digest = self._digest_after(changes)
            try:
                self._write_block(block, changes, digest)
            except sqlite3.IntegrityError:
                raise
            except (sqlite3.OperationalError, sqlite3.DatabaseError, OSError) as err:
                raise StorageFailure(f"cannot write block #{block.number} to {self.path / DB_FILE}: {err}") from err
            self._digest = digest
            self._apply_head(changes)
            self._best = BlockRecord(block.number, block.hash, block.parent, block.state_root,
                                     block.extrinsics_root, block.timestamp)
        if not self.archive and block.number % PRUNE_EVERY == 0:
            with contextlib.suppress(sqlite3.OperationalError):  # a full disk: prune again next time
                self.prune()

    def _digest_after(self, changes: dict[bytes, bytes | None]) -> int:
        """The head digest once `changes` apply: each changed entry's old term out, its new term in."""
        digest = self._digest
        head = self._head
        for key, value in changes.items():
            old = head.get(key)
            if old is not None:
                digest -= entry_digest(key, old)
            if value is not None:
                digest += entry_digest(key, value)
        return digest % _MOD

    def _write_block(self, block: BlockRecord, changes: dict[bytes, bytes | None], digest: int) -> None:
        """One SQLite transaction: the block, its extrinsics, its state rows and the new head digest."""
        cur = self._db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            cur.execute(
                "INSERT INTO blocks (number, hash, parent, state_root, extrinsics_root, timestamp) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (block.number, block.hash, block.parent, block.state_root, block.extrinsics_root,
                 block.timestamp),
            )
            cur.executemany(
                "INSERT INTO extrinsics (number, idx, data) VALUES (?, ?, ?)",
                [(block.number, i, xt) for i, xt in enumerate(block.extrinsics)],
            )
            cur.executemany(
                "INSERT OR REPLACE INTO state (key, block, value) VALUES (?, ?, ?)",
                [(k, block.number, v) for k, v in changes.items()],
            )
            cur.execute("INSERT OR REPLACE INTO meta (k, v) VALUES ('state_digest', ?)",
                        (digest.to_bytes(32, "little"),))
            cur.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                cur.execute("ROLLBACK")
            raise

    def _apply_head(self, changes: dict[bytes, bytes | None]) -> None:
        head, keys = self._head, self._sorted
        for key, value in changes.items():
            if value is None:
                if head.pop(key, None) is not None:
                    i = bisect.bisect_left(keys, key)
                    del keys[i]
            else:
                if key not in head:
                    bisect.insort(keys, key)
                head[key] = value

    def prune(self) -> int:
        """Drop state versions no kept block can see; every key keeps its latest value. Returns rows removed.

        A version is invisible from all kept blocks when a newer version of the same key also lies at or
        below the cutoff (the oldest kept block).
        """
        cutoff = self.best_number - self.keep_blocks + 1
        if cutoff <= self._pruned_below:
            return 0
        with self._lock:
            cur = self._db.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                cur.execute(
                    "DELETE FROM state WHERE block < ?1 AND key IN "
                    "(SELECT key FROM state WHERE block > ?2 AND block <= ?1) AND block < "
                    "(SELECT MAX(s2.block) FROM state s2 WHERE s2.key = state.key AND s2.block <= ?1)",
                    (cutoff, self._pruned_below - 1),
                )
                removed = cur.rowcount
                cur.execute(
                    "DELETE FROM state WHERE block <= ?1 AND value IS NULL AND NOT EXISTS "
                    "(SELECT 1 FROM state s2 WHERE s2.key = state.key AND s2.block < state.block)",
                    (cutoff,),
                )
                removed += cur.rowcount
                # block bodies below the kept state, headers below BlockHashCount; genesis always stays
                cur.execute("DELETE FROM extrinsics WHERE number < ?1 AND number > 0", (cutoff,))
                cur.execute("DELETE FROM blocks WHERE number < ?1 AND number > 0",
                            (self.best_number - KEEP_HEADERS + 1,))
                cur.execute("INSERT OR REPLACE INTO meta (k, v) VALUES ('pruned_below', ?)", (str(cutoff).encode(),))
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            self._pruned_below = cutoff
        return removed

    # -- reading --------------------------------------------------------------------------------------

    def at(self, number: int | None = None) -> StateView:
        """A `StateReader` at block `number` (default: best). Raises StateDiscarded for pruned blocks."""
        if number is None:
            number = self.best_number
        if number < self._pruned_below or number > self.best_number or number < 0:
            raise StateDiscarded(f"state of block {number} is not available")
        return StateView(self, number)

    def _get(self, key: bytes, number: int) -> bytes | None:
        with self._lock:
            if number == self.best_number:
                return self._head.get(key)
            row = self._db.execute(
                "SELECT value FROM state WHERE key = ? AND block <= ? ORDER BY block DESC LIMIT 1",
                (key, number),
            ).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def _keys_after(self, prefix: bytes, start_after: bytes | None, limit: int, number: int) -> list[bytes]:
        lower = prefix if start_after is None or start_after < prefix else start_after
        upper = _prefix_end(prefix)
        with self._lock:
            if number == self.best_number:
                keys = self._sorted
                i = bisect.bisect_left(keys, lower)
                if start_after is not None and i < len(keys) and keys[i] == start_after:
                    i += 1
                out: list[bytes] = []
                while i < len(keys) and len(out) < limit and keys[i].startswith(prefix):
                    out.append(keys[i])
                    i += 1
                return out
            op = ">" if start_after is not None and lower == start_after else ">="
            sql = (
                f"SELECT key FROM (SELECT key, value, MAX(block) FROM state WHERE key {op} ?1 "
                + ("AND key < ?2 " if upper is not None else "")
                + "AND block <= ?3 GROUP BY key) WHERE value IS NOT NULL ORDER BY key LIMIT ?4"
            )
            rows = self._db.execute(sql, (lower, upper, number, limit)).fetchall()
        return [bytes(k) for (k,) in rows]

    def head_items(self, prefix: bytes = b"") -> Iterable[tuple[bytes, bytes]]:
        """Current (key, value) pairs under a prefix, for diagnostics and `localnet status`."""
        with self._lock:
            i = bisect.bisect_left(self._sorted, prefix)
            out = []
            while i < len(self._sorted) and self._sorted[i].startswith(prefix):
                key = self._sorted[i]
                out.append((key, self._head[key]))
                i += 1
        return out

    def state_rows(self) -> int:
        """How many state versions are stored (to show that pruning works)."""
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM state").fetchone()[0]

    @property
    def bodies_from(self) -> int:
        """The oldest block (above genesis) whose body is still stored."""
        return 0 if self.archive else self._pruned_below

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._lock_fd = release_lock(self._lock_fd)


class StateView:
    """The runtime's `StateReader` fixed at one block."""

    __slots__ = ("number", "store")

    def __init__(self, store: Store, number: int):
        self.store = store
        self.number = number

    def get(self, key: bytes) -> bytes | None:
        return self.store._get(key, self.number)

    def keys_after(self, prefix: bytes, start_after: bytes | None, limit: int) -> list[bytes]:
        """Keys that start with `prefix` and are strictly greater than `start_after`, ascending."""
        return self.store._keys_after(prefix, start_after, limit, self.number)


__all__ = ["BlockRecord", "DataDirLocked", "StateDiscarded", "StateView", "StorageFailure", "Store", "StoreError"]
