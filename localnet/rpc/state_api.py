"""`state_*`: storage reads at any kept block, metadata, runtime calls and storage subscriptions."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from localnet.node import Node
from localnet.rpc.common import block_hash_at, follow_heads, hex_bytes, new_subscription, opt_hash, state_at, to_hex
from localnet.rpc.dispatch import Dispatcher, RpcError, Session, invalid_params
from localnet.scale.hashers import blake2_256
from localnet.store import BlockRecord

MAX_PAGED_KEYS = 1000  # Substrate's STORAGE_KEYS_PAGED_MAX_COUNT
MAX_QUERY_BLOCKS = 1000
MAX_ALL_KEYS = 100_000
MAX_QUERY_READS = 100_000  # keys x blocks of one state_queryStorage
CODE_KEY = b":code"


def _opt_hex(value: bytes | None) -> str | None:
    return None if value is None else to_hex(value)


def _keys_param(keys: Any) -> list[bytes]:
    if not isinstance(keys, list):
        raise invalid_params("keys: expected an array of hex storage keys")
    return [hex_bytes(k, "storage key") for k in keys]


def runtime_code(rt: Any) -> bytes:
    """What `:code` holds on this node: the runtime's identity (version and V14 metadata).

    Why: a Substrate chain stores its runtime's WASM under `:code`, and clients key caches by its hash.
    The local runtime is Python, so its "code" is what determines everything a client derives from it;
    a genesis `[runtime]` table that moves pallets changes the metadata and so the hash."""
    version = json.dumps(rt.version, sort_keys=True, separators=(",", ":")).encode()
    return b"taocli-localnet-runtime\0" + version + b"\0" + rt.metadata(14)


def install(d: Dispatcher, node: Node) -> None:
    """Register the state methods for `node` on the dispatcher."""
    rt = node.runtime
    metadata_hex: dict[int, str] = {14: to_hex(rt.metadata(14))}  # built once: every client connect asks
    code = runtime_code(rt)

    def read(key: bytes, at: Any) -> bytes | None:
        view = state_at(node, at)
        return code if key == CODE_KEY else view.get(key)

    def get_storage(s: Session, key: Any, at: Any = None) -> str | None:
        return _opt_hex(read(hex_bytes(key, "storage key"), at))

    for name in ("state_getStorage", "state_getStorageAt"):
        d.add(name, get_storage)

    def storage_hash(s: Session, key: Any, at: Any = None) -> str | None:
        value = read(hex_bytes(key, "storage key"), at)
        return None if value is None else to_hex(blake2_256(value))

    def storage_size(s: Session, key: Any, at: Any = None) -> int | None:
        value = read(hex_bytes(key, "storage key"), at)
        return None if value is None else len(value)

    d.add("state_getStorageHash", storage_hash)
    d.add("state_getStorageHashAt", storage_hash)
    d.add("state_getStorageSize", storage_size)
    d.add("state_getStorageSizeAt", storage_size)

    def get_keys(s: Session, prefix: Any, at: Any = None) -> Any:
        """Unpaged: up to MAX_ALL_KEYS keys, listed in a worker thread (heavy; the loop keeps serving)."""
        view, raw = state_at(node, at), hex_bytes(prefix, "prefix")
        return off_loop(lambda: [to_hex(k) for k in view.keys_after(raw, None, MAX_ALL_KEYS)])

    def get_keys_paged(s: Session, prefix: Any, count: Any, start_key: Any = None, at: Any = None) -> Any:
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise invalid_params("count: expected a non-negative integer")
        if count > MAX_PAGED_KEYS:
            raise invalid_params(f"count exceeds maximum value. value: {count}, max: {MAX_PAGED_KEYS}")
        start = None if start_key is None else hex_bytes(start_key, "start key")
        view, raw = state_at(node, at), hex_bytes(prefix or "0x", "prefix")
        if view.number == node.store.best_number:  # the head is an in-memory sorted list: cheap, answer inline
            return [to_hex(k) for k in view.keys_after(raw, start, count)]
        return off_loop(lambda: [to_hex(k) for k in view.keys_after(raw, start, count)])  # SQLite history

    d.add("state_getKeys", get_keys)
    d.add("state_getKeysPaged", get_keys_paged)
    d.add("state_getKeysPagedAt", get_keys_paged)

    def query_storage_at(s: Session, keys: Any, at: Any = None) -> list[dict[str, Any]]:
        raw = _keys_param(keys)
        view = state_at(node, at)
        return [{"block": block_hash_at(node, view),
                 "changes": [[to_hex(k), _opt_hex(view.get(k))] for k in raw]}]

    def query_storage(s: Session, keys: Any, from_block: Any, to_block: Any = None) -> Any:
        raw = _keys_param(keys)
        first = state_at(node, from_block).number
        last = state_at(node, to_block).number
        if last < first:
            raise invalid_params("to block is before from block")
        if last - first >= MAX_QUERY_BLOCKS:
            raise invalid_params(f"range longer than {MAX_QUERY_BLOCKS} blocks")
        if len(raw) * (last - first + 1) > MAX_QUERY_READS:
            raise invalid_params(f"keys x blocks above {MAX_QUERY_READS}; ask for fewer keys or a shorter range")
        return off_loop(lambda: _query_range(node, raw, first, last))

    d.add("state_queryStorageAt", query_storage_at)
    d.add("state_queryStorage", query_storage)

    def get_metadata(s: Session, at: Any = None) -> str:
        opt_hash(at)
        return metadata_hex[14]

    d.add("state_getMetadata", get_metadata)
    d.add("state_getRuntimeVersion", lambda s, at=None: (opt_hash(at), rt.version)[1])

    async def call(s: Session, method: Any, data: Any = "0x", at: Any = None) -> str:
        if not isinstance(method, str):
            raise invalid_params("method: expected the runtime API function name, e.g. Core_version")
        raw = hex_bytes(data if data is not None else "0x", "call data")
        view = state_at(node, at)
        result = await asyncio.get_running_loop().run_in_executor(None, _runtime_call, rt, view, method, raw)
        return to_hex(result)

    d.add("state_call", call)
    d.add("state_callAt", call)

    def subscribe_storage(s: Session, keys: Any = None) -> str:
        wanted = None if keys is None else set(_keys_param(keys))
        sid = new_subscription(s)

        def on_block(record: BlockRecord, changes: dict[bytes, bytes | None]) -> None:
            hit = [[to_hex(k), _opt_hex(v)] for k, v in changes.items() if wanted is None or k in wanted]
            if hit:
                s.notify("state_storage", sid, {"block": to_hex(record.hash), "changes": hit})

        def initial() -> None:
            if wanted is None:
                return
            view = node.store.at()
            s.notify("state_storage", sid, {"block": block_hash_at(node, view),
                                            "changes": [[to_hex(k), _opt_hex(view.get(k))] for k in wanted]})

        follow_heads(node, s, sid, on_block)
        s.after_response(initial)
        return sid

    d.add("state_subscribeStorage", subscribe_storage)
    d.add("state_unsubscribeStorage", Session.unsubscribe)
    d.add("state_subscribeRuntimeVersion", _runtime_version_subscription(node))
    d.add("state_unsubscribeRuntimeVersion", Session.unsubscribe)
    d.add("chain_subscribeRuntimeVersion", _runtime_version_subscription(node))
    d.add("chain_unsubscribeRuntimeVersion", Session.unsubscribe)


def _query_range(node: Node, raw: list[bytes], first: int, last: int) -> list[dict[str, Any]]:
    """Worker thread: the values of `raw` keys at every block of [first, last], only where they changed."""
    out: list[dict[str, Any]] = []
    previous: dict[bytes, bytes | None] = {}
    for number in range(first, last + 1):
        view = node.store.at(number)
        changes = []
        for k in raw:
            value = view.get(k)
            if number == first or previous.get(k) != value:
                changes.append([to_hex(k), _opt_hex(value)])
            previous[k] = value
        if changes:
            out.append({"block": block_hash_at(node, view), "changes": changes})
    return out


async def off_loop(work: Callable[[], Any]) -> Any:
    """Run heavy work (long key listings, history scans) in a worker thread so the event loop keeps serving.
    A coroutine, so nothing starts until it is awaited: a batch stops awaiting once its reply budget is spent."""
    return await asyncio.get_running_loop().run_in_executor(None, work)


def _runtime_call(rt: Any, view: Any, method: str, data: bytes) -> bytes:
    """Worker thread: a runtime API call. Unknown functions and undecodable input become RPC errors."""
    try:
        return rt.call(view, method, data)
    except RpcError:
        raise
    except (KeyError, LookupError) as err:
        raise RpcError(4003, f"Client error: Execution failed: Exported method {method} is not found",
                       str(err)) from None
    except Exception as err:
        if getattr(err, "code", None) is not None and getattr(err, "message", None):
            raise
        raise RpcError(4003, f"Client error: Execution failed: {type(err).__name__}: {err}") from None


def _runtime_version_subscription(node: Node) -> Any:
    def subscribe(s: Session) -> str:
        sid = new_subscription(s)
        s.subscriptions[sid] = lambda: None  # the local runtime never upgrades
        s.after_response(lambda: s.notify("state_runtimeVersion", sid, node.runtime.version))
        return sid

    return subscribe
