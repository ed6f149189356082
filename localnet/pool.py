"""The transaction pool: validated extrinsics waiting for a block, Substrate's ready/future model.

Why tags: the runtime says what each transaction `provides` (its `sender‖nonce` tag) and `requires` (the
sender's previous nonce tag when the nonce is ahead of the account's). A transaction is *ready* when every
tag it requires is provided by a ready transaction or by an already included one; otherwise it waits in
*future* and is promoted the moment the gap fills. Blocks take ready transactions in dependency order,
highest priority first, so per-sender nonces never serialise unrelated senders.

Why longevity: the runtime says for how many blocks a validity holds (a mortal era's remaining window,
or 1 block for `set_weights`). Like Substrate's pool, each transaction remembers the best block it was
validated at; once a block at or past `at + longevity` is imported it can no longer go into any block, so
it is dropped, banned and reported to its watcher as `invalid` (Substrate's `clear_stale`), whether it
waits in ready or in future. Re-validation after a block restarts the count from that block.

Errors carry Substrate's author codes so clients see what a real node would say: 1012 temporarily banned
(already included or found invalid recently), 1013 already imported, 1014 priority too low to replace,
1016 immediately dropped (pool full).
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from localnet.scale.hashers import blake2_256

DEFAULT_MAX_READY = 8192
DEFAULT_MAX_FUTURE = 1024
_NEVER = 2**63  # inclusion block recorded when on_block is told no number: every later verdict counts as stale
BAN_SECONDS = 1800.0
MAX_BANNED = 100_000
# An included transaction is banned only briefly: its nonce is spent, so after this it is refused as
# outdated anyway. Why not 30 minutes: at 200 transfers/s that kept 360k hashes (the node's RSS rose linearly).
INCLUDED_BAN_SECONDS = 60.0
PURGE_EVERY = 10.0  # seconds between sweeps of expired bans
CHAIN_TAG_BLOCKS = 64  # included tags kept this many blocks: only verdicts reached before inclusion need them


class Validity(Protocol):
    """What the pool needs from the runtime's ValidTransaction. A `longevity` attribute (blocks) is
    honoured when present; without one a transaction never expires."""

    priority: int
    provides: list[bytes]
    requires: list[bytes]


class PoolError(Exception):
    """A submission the pool refuses, shaped like a Substrate author error."""

    def __init__(self, code: int, message: str, data: str | None = None):
        super().__init__(f"{code} {message}: {data}")
        self.code = code
        self.message = message
        self.data = data


def valid_till(valid: Validity, at: int) -> int | None:
    """The block number from whose import on a validity taken at best block `at` has expired (Substrate's
    `at + longevity`), or None when it never does."""
    longevity = getattr(valid, "longevity", None)
    return None if longevity is None else at + longevity


def tx_hash(xt: bytes) -> bytes:
    """Extrinsic hash as Substrate computes it: blake2_256 of the full encoding (length prefix included)."""
    return blake2_256(xt)


@dataclass
class Entry:
    xt: bytes
    hash: bytes
    valid: Any
    seq: int
    till: int | None = None  # expired once a block with this number is imported (see `valid_till`)
    ready: bool = False
    deps: set[bytes] = field(default_factory=set)


StatusListener = Callable[[bytes, str, Any], None]


class Pool:
    """Ready and future queues with dedupe, bans, replacement by priority and limits. Not thread-safe:
    the node calls it from its event loop only."""

    def __init__(self, *, max_ready: int = DEFAULT_MAX_READY, max_future: int = DEFAULT_MAX_FUTURE,
                 listener: StatusListener | None = None, clock: Callable[[], float] = time.monotonic):
        self.max_ready = max_ready
        self.max_future = max_future
        self.listener = listener
        self._clock = clock
        self._seq = itertools.count()
        self._entries: dict[bytes, Entry] = {}
        self._tag_owner: dict[bytes, bytes] = {}  # provides tag -> hash of the transaction providing it
        # tags provided by included transactions -> the block that included them. Why the block: an account
        # reaped and refunded starts again at nonce 0, so a tag can come back; only a verdict reached before
        # the inclusion is stale.
        self._chain_tags: dict[bytes, int] = {}
        self._banned: dict[bytes, float] = {}
        self._next_purge = 0.0
        self._waiting_on: dict[bytes, set[bytes]] = {}  # required tag -> futures waiting for it
        self._ready_count = 0

    # -- inspection -----------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, h: bytes) -> bool:
        return h in self._entries

    @property
    def ready_count(self) -> int:
        return self._ready_count

    @property
    def future_count(self) -> int:
        return len(self._entries) - self._ready_count

    def pending(self) -> list[bytes]:
        """Every extrinsic in the pool, ready first (for `author_pendingExtrinsics`)."""
        ordered = sorted(self._entries.values(), key=lambda e: (not e.ready, e.seq))
        return [e.xt for e in ordered]

    def nonces_of(self, sender: bytes) -> list[int]:
        """Nonces of the pooled transactions of one sender (uses the runtime validity's sender/nonce)."""
        return [e.valid.nonce for e in self._entries.values() if getattr(e.valid, "sender", None) == sender]

    def is_banned(self, h: bytes) -> bool:
        until = self._banned.get(h)
        if until is None:
            return False
        if until < self._clock():
            del self._banned[h]
            return False
        return True

    # -- submission -----------------------------------------------------------------------------------

    def precheck(self, h: bytes) -> None:
        """Cheap refusals before the runtime spends a signature check on a transaction."""
        if self.is_banned(h):
            raise PoolError(1012, "Transaction is temporarily banned")
        if h in self._entries:
            raise PoolError(1013, "Transaction Already Imported")

    def submit(self, xt: bytes, valid: Validity, h: bytes | None = None, *, at: int = 0) -> str:
        """Add an extrinsic validated against best block `at`; returns "ready" or "future". Raises
        PoolError."""
        h = h or tx_hash(xt)
        self.precheck(h)
        for tag in valid.provides:
            if self._chain_tags.get(tag, -1) > at:
                raise PoolError(1010, "Invalid Transaction", "Transaction is outdated")
            owner = self._tag_owner.get(tag)
            if owner is not None and owner != h:
                old = self._entries[owner]
                if valid.priority <= old.valid.priority:
                    raise PoolError(
                        1014, f"Priority is too low: ({old.valid.priority} vs {valid.priority})",
                        "The transaction has too low priority to replace another transaction already in the pool.",
                    )
                self._remove(owner, "usurped", "0x" + h.hex())
        entry = Entry(xt, h, valid, next(self._seq), valid_till(valid, at))
        satisfied = all(t in self._chain_tags or self._is_ready_tag(t) for t in valid.requires)
        limit_hit = self._ready_count >= self.max_ready if satisfied else self.future_count >= self.max_future
        if limit_hit:
            raise PoolError(1016, "Immediately Dropped",
                            "The transaction couldn't enter the pool because of the limit")
        self._entries[h] = entry
        for tag in valid.provides:
            self._tag_owner[tag] = h
        if satisfied:
            self._make_ready(entry)
            return "ready"
        self._wait(entry)
        self._notify(h, "future", None)
        return "future"

    def _satisfied(self, tag: bytes) -> bool:
        return tag in self._chain_tags or self._is_ready_tag(tag)

    def _wait(self, entry: Entry) -> None:
        for tag in entry.valid.requires:
            if not self._satisfied(tag):
                self._waiting_on.setdefault(tag, set()).add(entry.hash)

    def _is_ready_tag(self, tag: bytes) -> bool:
        owner = self._tag_owner.get(tag)
        return owner is not None and self._entries[owner].ready

    def _make_ready(self, entry: Entry, *, notify: bool = True) -> None:
        """Mark ready, then promote every future this unblocks (transitively)."""
        stack = [entry]
        while stack:
            e = stack.pop()
            e.ready = True
            self._ready_count += 1
            if notify or e is not entry:
                self._notify(e.hash, "ready", None)
            stack.extend(self._unblocked(e.valid.provides))

    def _unblocked(self, tags: Iterable[bytes]) -> list[Entry]:
        """Futures waiting on `tags` whose requirements are now all met."""
        out = []
        for tag in tags:
            for fh in self._waiting_on.pop(tag, ()):
                fut = self._entries.get(fh)
                if fut is not None and not fut.ready and self._ready_count + len(out) < self.max_ready:
                    if all(self._satisfied(t) for t in fut.valid.requires):
                        out.append(fut)
                    else:
                        self._wait(fut)
        return out

    def _remove(self, h: bytes, status: str | None, data: Any = None, *, ban: bool = False) -> Entry | None:
        entry = self._entries.pop(h, None)
        if entry is None:
            return None
        if entry.ready:
            self._ready_count -= 1
        for tag in entry.valid.provides:
            if self._tag_owner.get(tag) == h:
                del self._tag_owner[tag]
        if ban:
            self.ban([h])
        if status:
            self._notify(h, status, data)
        return entry

    def ban(self, hashes: Iterable[bytes], seconds: float = BAN_SECONDS) -> None:
        now = self._clock()
        until = now + seconds
        for h in hashes:
            self._banned[h] = max(until, self._banned.get(h, 0.0))
        if len(self._banned) > MAX_BANNED or now >= self._next_purge:
            self._next_purge = now + PURGE_EVERY
            self._banned = {k: v for k, v in self._banned.items() if v >= now}
            while len(self._banned) > MAX_BANNED:
                self._banned.pop(next(iter(self._banned)))

    # -- block building -------------------------------------------------------------------------------

    def ready(self, limit: int | None = None) -> list[tuple[bytes, bytes]]:
        """Ready (hash, extrinsic) pairs in an order a block can include them: every transaction after the
        ones whose tags it requires, otherwise highest priority and oldest first."""
        ready = {h: e for h, e in self._entries.items() if e.ready}
        waiting: dict[bytes, int] = {}
        dependents: dict[bytes, list[bytes]] = {}
        heap: list[tuple[int, int, bytes]] = []
        for h, e in ready.items():
            deps = {self._tag_owner[t] for t in e.valid.requires if t in self._tag_owner} & ready.keys()
            waiting[h] = len(deps)
            for d in deps:
                dependents.setdefault(d, []).append(h)
            if not deps:
                heapq.heappush(heap, (-e.valid.priority, e.seq, h))
        out: list[tuple[bytes, bytes]] = []
        while heap and (limit is None or len(out) < limit):
            _, _, h = heapq.heappop(heap)
            out.append((h, ready[h].xt))
            for d in dependents.get(h, ()):
                waiting[d] -= 1
                if waiting[d] == 0:
                    e = ready[d]
                    heapq.heappush(heap, (-e.valid.priority, e.seq, d))
        return out

    def on_block(self, included: Iterable[bytes], invalid: dict[bytes, Any],
                 revalidate: Callable[[bytes], Validity] | None = None,
                 revalidate_limit: int = 512, *, number: int | None = None) -> None:
        """Update after sealed block `number`: drop and ban what it included or found invalid, remember
        the included tags, drop what outlived its longevity, re-validate up to `revalidate_limit` of the
        rest (against block `number`) and promote futures.

        `revalidate(xt)` returns a new validity or raises (anything raised with `code` drops the
        transaction as invalid). Without `number` nothing expires (callers that do not track blocks)."""
        included = list(included)
        newly_chain: list[bytes] = []
        for h in included:
            entry = self._remove(h, None)  # banned briefly below
            if entry is not None:
                self._chain_tags.update(dict.fromkeys(entry.valid.provides, _NEVER if number is None else number))
                newly_chain.extend(entry.valid.provides)
        self.ban(included, INCLUDED_BAN_SECONDS)
        for h, err in invalid.items():
            self._remove(h, "invalid", err, ban=True)
        if len(self._chain_tags) > 4 * MAX_BANNED:
            self._chain_tags.clear()
        elif number is not None and number % CHAIN_TAG_BLOCKS == 0:  # new verdicts are reached at the head
            cutoff = number - CHAIN_TAG_BLOCKS
            self._chain_tags = {tag: at for tag, at in self._chain_tags.items() if at >= cutoff}
        for fut in self._unblocked(newly_chain):
            if not fut.ready:
                self._make_ready(fut)
        expired = self._drop_expired(number) if number is not None else 0
        if revalidate is not None:
            for entry in sorted(self._entries.values(), key=lambda e: e.seq)[:revalidate_limit]:
                try:
                    valid = revalidate(entry.xt)
                except Exception as err:  # the runtime's TransactionError (or a bug): drop, never crash
                    self._remove(entry.hash, "invalid", err, ban=True)
                    continue
                entry.valid = valid
                if number is not None:
                    entry.till = valid_till(valid, number)
            self._rebuild_ready()
        elif expired:
            self._rebuild_ready()  # a dropped ready transaction may have been what its successors required

    def _drop_expired(self, number: int) -> int:
        """Drop (ban, report `invalid`) every transaction whose validity ended by block `number`; returns
        how many. Their dependents stay pooled and fall back to future on the readiness rebuild that follows
        (where Substrate drops them too), so a resubmitted predecessor can still unblock them."""
        stale = [e.hash for e in self._entries.values() if e.till is not None and e.till <= number]
        for h in stale:
            self._remove(h, "invalid", "Transaction is outdated", ban=True)
        return len(stale)

    def _rebuild_ready(self) -> None:
        """Recompute readiness from scratch after validities changed (a tx may fall back to future)."""
        self._tag_owner.clear()
        for entry in self._entries.values():
            entry.ready = False
            for tag in entry.valid.provides:
                self._tag_owner[tag] = entry.hash
        self._ready_count = 0
        self._waiting_on.clear()
        for entry in sorted(self._entries.values(), key=lambda e: e.seq):
            if entry.ready:
                continue
            if all(self._satisfied(t) for t in entry.valid.requires):
                self._make_ready(entry, notify=False)
            else:
                self._wait(entry)

    def remove(self, h: bytes, status: str = "dropped") -> bool:
        """Take a transaction out (e.g. it exhausted resources forever); True if it was there."""
        return self._remove(h, status) is not None

    def _notify(self, h: bytes, status: str, data: Any) -> None:
        if self.listener is not None:
            self.listener(h, status, data)
