"""Plain storage of one block, read in as few round trips as the standard state RPCs allow.

Why a pinned view: a storage fallback rebuilds one info struct from a dozen storage items read over
several round trips; reading them all at one block hash keeps the result consistent even while the chain
advances between the round trips (the info RPCs get that for free by running inside one block's state).
Why batching: `state_queryStorageAt` returns any number of values in one reply and the key listings go
out pipelined (`RpcConnection.call_many`), so the cost grows with the data, not with round trips.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from chain import storage as st
from chain.rpc import RpcConnection
from chain.scale import Reader

T = TypeVar("T")

SUBTENSOR = "SubtensorModule"
KEYS_PAGE = 1000  # Substrate's STORAGE_KEYS_PAGED_MAX_COUNT
QUERY_CHUNK = 1000  # keys per state_queryStorageAt request (keeps each request far below size limits)


class StorageView:
    """Storage reads at one block: the one given, or the best block when the view is made."""

    def __init__(self, rpc: RpcConnection, at: str | None = None,
                 defaults: Callable[[str, str], bytes | None] | None = None) -> None:
        self.rpc = rpc
        self.at = at if at is not None else str(rpc.call("chain_getBlockHash", []))
        self._defaults = defaults

    def default(self, item: str, pallet: str = SUBTENSOR) -> bytes | None:
        """The metadata's default of a SubtensorModule item (what an unwritten key holds), when known."""
        return self._defaults(pallet, item) if self._defaults is not None else None

    def value_or_default(self, item: str, raw: bytes | None) -> bytes | None:
        """`raw` when the key is stored, else the item's metadata default (None if not known)."""
        return raw if raw is not None else self.default(item)

    def values(self, keys: list[str]) -> list[bytes | None]:
        """The raw value of every key (None where nothing is stored), in key order."""
        if not keys:
            return []
        chunks = [keys[i:i + QUERY_CHUNK] for i in range(0, len(keys), QUERY_CHUNK)]
        replies = self.rpc.call_many([("state_queryStorageAt", [chunk, self.at]) for chunk in chunks])
        found: dict[str, bytes | None] = {}
        for reply in replies:
            for change_set in reply or []:
                for key, value in change_set.get("changes", []):
                    found[key.lower()] = st.hex_bytes(value)
        return [found.get(k.lower()) for k in keys]

    def keys(self, prefixes: list[bytes]) -> list[list[bytes]]:
        """Every stored key under each prefix, in storage order (ascending key bytes), paging as needed."""
        found: list[list[bytes]] = [[] for _ in prefixes]
        start: list[str | None] = [None] * len(prefixes)
        todo = list(range(len(prefixes)))
        while todo:
            pages = self.rpc.call_many([("state_getKeysPaged", ["0x" + prefixes[i].hex(), KEYS_PAGE, start[i], self.at])
                                        for i in todo])
            unfinished = []
            for i, page in zip(todo, pages, strict=True):
                page = page or []
                found[i].extend(st.hex_bytes(k) or b"" for k in page)
                if len(page) == KEYS_PAGE:
                    start[i] = page[-1]
                    unfinished.append(i)
            todo = unfinished
        return found


def key(item: str, *parts: bytes) -> str:
    """A SubtensorModule storage key; `parts` already hashed."""
    return st.key(SUBTENSOR, item, *parts)


def net_key(item: str, netuid: int) -> str:
    """The key of a `Map<netuid:Identity>` item."""
    return st.key(SUBTENSOR, item, st.u16_key(netuid))


def prefix(item: str, *parts: bytes) -> bytes:
    """A SubtensorModule map prefix, optionally narrowed by the first (hashed) key of a double map."""
    return st.prefix(SUBTENSOR, item) + b"".join(parts)


def decode(raw: bytes | None, read: Callable[[Reader], T], default: T) -> T:
    """A stored value read whole (a different layout raises ScaleError), or the item's default if absent."""
    if raw is None:
        return default
    r = Reader(raw)
    value = read(r)
    r.done()
    return value


def vector(read: Callable[[Reader], T]) -> Callable[[Reader], list[T]]:
    """A reader of `Vec<T>` values such as the per-subnet Rank or Emission vectors."""
    return lambda r: r.vec(read)


def u16_pair(r: Reader) -> tuple[int, int]:
    """One (uid, value) entry of a Weights or Bonds row: two fixed-width u16s."""
    return r.u16(), r.u16()
