"""Nonce bookkeeping: refuses replays with a table whose size has a hard bound (the SDK's never shrinks).

Two kinds of nonce reach an axon:
- wall-clock ``time.time_ns()`` (SDK >= 7.2 and taocli): a request is fresh when ``|now - nonce|`` is within
  a window, and each (endpoint, nonce) pair is remembered only until the window has passed it, after which
  the freshness check alone refuses it. Unlike the SDK, a nonce need not exceed the endpoint's last one, so
  concurrent requests that overtake each other on the wire are not refused; an exact repeat always is.
  The window comes from the axon's configuration (or a *signed* timeout), never from an unsigned header.
- ``time.monotonic_ns()`` (SDK <= 7.1, e.g. 6.9.3): not a time at all, so only "strictly greater than the
  endpoint's last nonce" can be checked. Those endpoints live in an LRU table; an endpoint pushed out of it
  could have an old request replayed once, which is inherent to that wire (``allow_legacy=False`` refuses
  such requests instead).

A nonce that looks like wall-clock time (after 2020) is always judged by the window, whatever version
header comes with it: the version is not signed, so it cannot be allowed to select the weaker check.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict

WALL_CLOCK_NS = 1_577_836_800 * 10**9  # 2020-01-01: no monotonic clock reads this high


class ReplayGuard:
    def __init__(self, *, max_entries: int = 200_000, max_legacy_keys: int = 10_000, allow_legacy: bool = True):
        self.max_entries = max_entries
        self.max_legacy_keys = max_legacy_keys
        self.allow_legacy = allow_legacy
        self._seen: set[tuple[str, int]] = set()
        self._expiry: list[tuple[int, str, int]] = []  # heap of (expires_at_ns, endpoint, nonce)
        self._floor = 0  # nonces at or below this were dropped for room: refused, never replayable
        self._legacy: OrderedDict[str, int] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen) + len(self._legacy)

    def check(self, endpoint: str, nonce: int, *, modern: bool, window_ns: int, now_ns: int) -> str | None:
        """Why this nonce is refused, or None when it may be used (call ``commit`` once it is verified)."""
        if modern or nonce >= WALL_CLOCK_NS:
            age = now_ns - nonce
            if age > window_ns:
                return f"nonce is {age / 1e9:.1f} s old; requests are accepted for {window_ns / 1e9:.1f} s"
            if -age > window_ns:
                return f"nonce is {-age / 1e9:.1f} s in the future; check the caller's clock"
            if nonce <= self._floor or (endpoint, nonce) in self._seen:
                return "nonce was already used (replayed request)"
            return None
        if not self.allow_legacy:
            return "nonce is not a wall-clock time (SDK <= 7.1 dendrite); this axon requires time-based nonces"
        last = self._legacy.get(endpoint)
        if last is not None and nonce <= last:
            return "nonce is not newer than the last one from this endpoint"
        return None

    def commit(self, endpoint: str, nonce: int, *, modern: bool, window_ns: int, now_ns: int) -> None:
        if modern or nonce >= WALL_CLOCK_NS:
            self.prune(now_ns)
            self._seen.add((endpoint, nonce))
            heapq.heappush(self._expiry, (nonce + window_ns, endpoint, nonce))
            while len(self._seen) > self.max_entries:
                _, old_endpoint, old_nonce = heapq.heappop(self._expiry)
                self._seen.discard((old_endpoint, old_nonce))
                self._floor = max(self._floor, old_nonce)
            return
        self._legacy[endpoint] = nonce
        self._legacy.move_to_end(endpoint)
        while len(self._legacy) > self.max_legacy_keys:
            self._legacy.popitem(last=False)

    def prune(self, now_ns: int) -> None:
        """Forget nonces whose window has passed: the freshness check refuses them from now on."""
        heap = self._expiry
        while heap and heap[0][0] < now_ns:
            _, endpoint, nonce = heapq.heappop(heap)
            self._seen.discard((endpoint, nonce))
