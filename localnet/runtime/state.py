"""State access for the runtime: a read-only reader protocol and a write-buffering Overlay.

The runtime never owns storage. The node hands in a `StateReader` (its SQLite view at some block); the
runtime writes into an `Overlay` on top and hands back `changes()`. Nested `transaction()` blocks give
Substrate's transactional dispatch: a failing call rolls back to the last checkpoint.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

_MISSING = object()


class StateReader(Protocol):
    """What the runtime needs from storage."""

    def get(self, key: bytes) -> bytes | None:
        """Value at `key`, or None."""

    def keys_after(self, prefix: bytes, start_after: bytes | None, limit: int) -> list[bytes]:
        """Keys that start with `prefix` and are strictly greater than `start_after`, ascending."""


class DictState:
    """An in-memory StateReader over a dict (genesis building, tests, benches)."""

    def __init__(self, data: dict[bytes, bytes] | None = None) -> None:
        self.data: dict[bytes, bytes] = dict(data or {})
        self._sorted: list[bytes] | None = None

    def get(self, key: bytes) -> bytes | None:
        return self.data.get(key)

    def keys_after(self, prefix: bytes, start_after: bytes | None, limit: int) -> list[bytes]:
        if self._sorted is None:
            self._sorted = sorted(self.data)
        return _scan(self._sorted, prefix, start_after, limit)

    def apply(self, changes: dict[bytes, bytes | None]) -> None:
        """Merge a change set (None deletes) into this state."""
        for k, v in changes.items():
            if v is None:
                self.data.pop(k, None)
            else:
                self.data[k] = v
        self._sorted = None


def _scan(keys: list[bytes], prefix: bytes, start_after: bytes | None, limit: int) -> list[bytes]:
    if start_after is not None and start_after >= prefix:
        i = bisect.bisect_right(keys, start_after)
    else:
        i = bisect.bisect_left(keys, prefix)
    out: list[bytes] = []
    while i < len(keys) and len(out) < limit and keys[i].startswith(prefix):
        out.append(keys[i])
        i += 1
    return out


class Overlay:
    """Buffered writes over a reader, with nested rollback checkpoints.

    Writes go to `_writes`; each open transaction keeps an undo log of the previous buffered values, so a
    rollback costs only what the failed call touched.
    """

    def __init__(self, base: StateReader) -> None:
        self.base = base
        self._writes: dict[bytes, bytes | None] = {}
        self._undo: list[dict[bytes, object]] = []

    def get(self, key: bytes) -> bytes | None:
        v = self._writes.get(key, _MISSING)
        if v is _MISSING:
            return self.base.get(key)
        return v  # type: ignore[return-value]

    def set(self, key: bytes, value: bytes | None) -> None:
        """Write `value` at `key`; None deletes."""
        if self._undo:
            log = self._undo[-1]
            if key not in log:
                log[key] = self._writes.get(key, _MISSING)
        self._writes[key] = value

    def keys_after(self, prefix: bytes, start_after: bytes | None, limit: int) -> list[bytes]:
        """Merge of base keys and buffered keys, minus buffered deletions."""
        writes = self._writes
        kept: list[bytes] = []
        cursor = start_after
        exhausted = False
        while len(kept) < limit:
            batch = self.base.keys_after(prefix, cursor, limit)
            kept.extend(k for k in batch if writes.get(k, b"") is not None)
            if len(batch) < limit:
                exhausted = True
                break
            cursor = batch[-1]
        bound = None if exhausted else cursor
        local = [k for k, v in writes.items() if v is not None and k.startswith(prefix)
                 and (start_after is None or k > start_after) and (bound is None or k <= bound)]
        merged = sorted(set(kept).union(local))
        return merged[:limit]

    def iter_prefix(self, prefix: bytes, page: int = 1000) -> Iterator[bytes]:
        """All keys under `prefix`, ascending, fetched page by page."""
        start: bytes | None = None
        while True:
            batch = self.keys_after(prefix, start, page)
            yield from batch
            if len(batch) < page:
                return
            start = batch[-1]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Checkpoint: changes inside are undone if the block raises, kept otherwise."""
        self._undo.append({})
        try:
            yield
        except BaseException:
            log = self._undo.pop()
            for k, old in log.items():
                if old is _MISSING:
                    self._writes.pop(k, None)
                else:
                    self._writes[k] = old  # type: ignore[assignment]
            raise
        else:
            log = self._undo.pop()
            if self._undo:
                outer = self._undo[-1]
                for k, old in log.items():
                    outer.setdefault(k, old)

    def changes(self) -> dict[bytes, bytes | None]:
        """Every buffered write (None = delete), for the node to persist."""
        return dict(self._writes)
