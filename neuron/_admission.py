"""Who gets served next: a concurrency limit whose waiting room is ordered by priority (the caller's stake),
and a per-hotkey rate limit.

Why a heap and not the SDK's priority thread pool: the SDK computes a priority and then submits a no-op
lambda to a pool, so nothing is reordered. Here, when all ``max_concurrency`` slots are busy, waiters sit in
a heap and each freed slot goes to the highest priority (earliest arrival among equals).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time


class PriorityGate:
    def __init__(self, max_concurrency: int):
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.max_concurrency = max_concurrency
        self.active = 0
        self._waiters: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @property
    def waiting(self) -> int:
        return sum(1 for _, _, fut in self._waiters if not fut.done())

    async def acquire(self, priority: float) -> None:
        """Wait for a slot; cancel (e.g. by a timeout) to give up the place in the queue."""
        if self.active < self.max_concurrency and not self._waiters:
            self.active += 1
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (-priority, next(self._order), fut))
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()  # the slot was handed over just as we gave up: pass it on
            raise

    def release(self) -> None:
        while self._waiters:
            _, _, fut = heapq.heappop(self._waiters)
            if not fut.done():
                fut.set_result(None)  # the slot moves to the waiter; `active` stays
                return
        self.active -= 1


class RateLimiter:
    """A token bucket per hotkey: ``per_minute`` requests in a burst, refilled at ``per_minute``/60 per second."""

    def __init__(self, per_minute: float | None, max_keys: int = 100_000):
        self.per_minute = per_minute
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, hotkey: str, now: float | None = None) -> bool:
        if not self.per_minute:
            return True
        now = time.monotonic() if now is None else now
        capacity = float(self.per_minute)
        tokens, last = self._buckets.get(hotkey, (capacity, now))
        tokens = min(capacity, tokens + (now - last) * capacity / 60.0)
        if tokens < 1.0:
            self._buckets[hotkey] = (tokens, now)
            return False
        self._buckets[hotkey] = (tokens - 1.0, now)
        if len(self._buckets) > self.max_keys:
            self.prune(now)
        return True

    def prune(self, now: float | None = None) -> None:
        """Drop buckets that have refilled (they equal a fresh one), so the table tracks only busy callers."""
        if not self.per_minute:
            return
        now = time.monotonic() if now is None else now
        capacity = float(self.per_minute)
        full = [k for k, (tokens, last) in self._buckets.items()
                if tokens + (now - last) * capacity / 60.0 >= capacity]
        for key in full:
            del self._buckets[key]
        while len(self._buckets) > self.max_keys:  # all busy: forget the oldest-refilled
            self._buckets.pop(next(iter(self._buckets)))
