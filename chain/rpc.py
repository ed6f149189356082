"""A lean JSON-RPC connection for reads: one websocket, no metadata, no substrate-interface import.

Why: reads (balance, subnets, metagraph) need only storage and the subtensor info RPCs, whose layouts
taocli decodes itself. Importing and initialising substrate-interface costs ~0.35 s locally and seconds
against finney (metadata decode), so the read path never touches it; only signing does.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from typing import Any

from chain.errors import ChainError, NodeUnreachable


class RpcError(ChainError):
    """The node answered a JSON-RPC call with an error object."""

    def __init__(self, method: str, code: int | None, message: str) -> None:
        super().__init__(f"the node refused {method}: {message}")
        self.method = method
        self.code = code
        self.message = message


class MethodNotFound(RpcError):
    """The node does not serve this method (an older or different runtime): callers fall back."""


class ApiAbsent(MethodNotFound):
    """A `state_call` to a runtime API failed: the runtime lacks that API (spec 143 has no info APIs).

    Why any failure: a runtime without the function does not answer -32601 (the method `state_call` exists);
    chopsticks says -32603 "Function to start was not found", a real node its own code and text. Callers
    treat it like MethodNotFound and fall back to storage.
    """


class BadReply(ChainError):
    """The endpoint answered with something that is not a JSON-RPC reply: name it, don't blame taocli."""

    def __init__(self, url: str, method: str, why: str) -> None:
        super().__init__(f"the node at {url} sent a malformed reply to {method} ({why}); check that --network "
                         "points at a subtensor node")
        self.url = url


class RpcConnection:
    """Synchronous JSON-RPC over one websocket, opened on first use.

    One exchange at a time (a lock), so threads of a neuron may share it safely.
    """

    PIPELINE = 128  # requests in flight at once in call_many

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout
        self._ws: Any = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def _open(self) -> Any:
        from websockets.exceptions import InvalidHandshake, InvalidURI
        from websockets.sync.client import connect

        try:
            # Entered like a context manager (websockets >= 17.1 warns otherwise); close() exits it.
            return connect(self.url, open_timeout=self.timeout, max_size=2**26, compression=None).__enter__()
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
            raise NodeUnreachable(self.url, str(exc) or type(exc).__name__) from exc

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        """Send one request and return its `result`; errors become RpcError / MethodNotFound."""
        with self._lock:
            return self._exchange([(method, params)])[0]

    def call_many(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        """The results of many requests, in order, sent pipelined on the one websocket.

        Why: a storage fallback needs one `state_getKeysPaged` per hotkey; one at a time, a 256-uid subnet
        costs 256 round trips, pipelined about one. At most PIPELINE requests are in flight at once, so a
        node's per-connection limits are not hit. The first failing request (in order) raises, as in `call`.
        """
        results: list[Any] = []
        with self._lock:
            for start in range(0, len(calls), self.PIPELINE):
                results.extend(self._exchange(calls[start:start + self.PIPELINE]))
        return results

    def _exchange(self, calls: list[tuple[str, list[Any] | None]]) -> list[Any]:
        from websockets.exceptions import ConnectionClosed

        if self._ws is None:
            self._ws = self._open()
        waiting: dict[int, int] = {}  # request id -> position in `calls`
        replies: list[dict[str, Any]] = [{} for _ in calls]
        try:
            for position, (method, params) in enumerate(calls):
                request_id = next(self._ids)
                waiting[request_id] = position
                self._ws.send(json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method,
                                          "params": params or []}))
            # The timeout counts from the request, not from the last message: a node that keeps sending
            # notifications (or anything else) must not keep a command waiting forever.
            deadline = time.monotonic() + self.timeout
            while waiting:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                reply = _parse(self.url, calls[min(waiting.values())][0], self._ws.recv(timeout=left))
                rid = reply.get("id") if isinstance(reply, dict) else None
                if isinstance(rid, int) and rid in waiting:  # anything else is a stray notification
                    replies[waiting.pop(rid)] = reply
        except TimeoutError as exc:
            method = calls[min(waiting.values())][0] if waiting else calls[0][0]
            raise NodeUnreachable(self.url, f"no answer to {method} within {self.timeout:g} s") from exc
        except (ConnectionClosed, OSError) as exc:
            self.close()
            raise NodeUnreachable(self.url, f"connection lost during {calls[0][0]}") from exc
        return [_result(self.url, method, reply) for (method, _), reply in zip(calls, replies, strict=True)]

    def close(self) -> None:
        if self._ws is not None:
            try:
                self._ws.close()
            finally:
                self._ws = None


def _parse(url: str, method: str, message: str | bytes) -> Any:
    """One websocket message as JSON; junk (not JSON, not UTF-8, nested too deep) is a BadReply naming the node."""
    try:
        return json.loads(message)
    except (ValueError, RecursionError) as exc:
        raise BadReply(url, method, f"not JSON: {type(exc).__name__}") from None


def _result(url: str, method: str, reply: dict[str, Any]) -> Any:
    """A reply's `result`, or its error object raised as RpcError / MethodNotFound."""
    if "result" not in reply and "error" not in reply:
        raise BadReply(url, method, "neither a result nor an error")
    error = reply.get("error")
    if error is not None:
        code = error.get("code") if isinstance(error, dict) else None
        message = str(error.get("message", error)) if isinstance(error, dict) else str(error)
        if code == -32601:
            raise MethodNotFound(method, code, message)
        raise RpcError(method, code, message)
    return reply.get("result")
