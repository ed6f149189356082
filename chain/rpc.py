"""A lean JSON-RPC connection for reads: one websocket, no metadata, no substrate-interface import.

Why: reads (balance, subnets, metagraph) need only storage and the subtensor info RPCs, whose layouts
taocli decodes itself. Importing and initialising substrate-interface costs ~0.35 s locally and seconds
against finney (metadata decode), so the read path never touches it; only signing does.
"""

from __future__ import annotations

import itertools
import json
import threading
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


class RpcConnection:
    """Synchronous JSON-RPC over one websocket, opened on first use.

    One request at a time (a lock), so threads of a neuron may share it safely.
    """

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
            return self._call(method, params)

    def _call(self, method: str, params: list[Any] | None) -> Any:
        from websockets.exceptions import ConnectionClosed

        if self._ws is None:
            self._ws = self._open()
        request_id = next(self._ids)
        body = json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params or []})
        try:
            self._ws.send(body)
            while True:
                reply = json.loads(self._ws.recv(timeout=self.timeout))
                if reply.get("id") == request_id:
                    break
        except TimeoutError as exc:
            raise NodeUnreachable(self.url, f"no answer to {method} within {self.timeout:g} s") from exc
        except (ConnectionClosed, OSError) as exc:
            self.close()
            raise NodeUnreachable(self.url, f"connection lost during {method}") from exc
        error = reply.get("error")
        if error is not None:
            code = error.get("code") if isinstance(error, dict) else None
            message = str(error.get("message", error)) if isinstance(error, dict) else str(error)
            if code == -32601:
                raise MethodNotFound(method, code, message)
            raise RpcError(method, code, message)
        return reply.get("result")

    def close(self) -> None:
        if self._ws is not None:
            try:
                self._ws.close()
            finally:
                self._ws = None
