"""Small hostile JSON-RPC servers for tests: a node that lies, chatters or sends junk.

`HostileServer(respond)` serves WebSocket JSON-RPC on a free 127.0.0.1 port from a thread; `respond(request)`
returns the reply object to send (or None to send nothing). `proxy_to(url, rewrite)` builds a `respond` that
forwards to a real node and lets the test rewrite replies; `chatter` makes the server also send an unrelated
notification every `chatter` seconds on every connection, forever. Everything stops with `close()`.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.sync.server import ServerConnection, serve

Respond = Callable[[dict[str, Any]], Any]


class HostileServer:
    def __init__(self, respond: Respond, *, chatter: float | None = None) -> None:
        self.respond = respond
        self.chatter = chatter
        self.requests: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._server = serve(self._handle, "127.0.0.1", 0, max_size=2**26, compression=None)
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def _handle(self, ws: ServerConnection) -> None:
        if self.chatter is not None:
            threading.Thread(target=self._chat, args=(ws,), daemon=True).start()
        with contextlib.suppress(ConnectionClosed):
            for message in ws:
                request = json.loads(message)
                self.requests.append(request)
                reply = self.respond(request)
                if reply is not None:
                    ws.send(reply if isinstance(reply, str) else json.dumps(reply))

    def _chat(self, ws: ServerConnection) -> None:
        n = 0
        with contextlib.suppress(ConnectionClosed):
            while not self._stop.wait(self.chatter):
                n += 1
                ws.send(json.dumps({"jsonrpc": "2.0", "method": "chain_newHead",
                                    "params": {"subscription": "chatter", "result": {"n": n}}}))

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._thread.join(5)

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def proxy_to(url: str, rewrite: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]) -> Respond:
    """Forward each request to the node at `url` (one upstream connection per request, simple and slow)
    and pass (request, reply) through `rewrite` before answering."""

    def respond(request: dict[str, Any]) -> Any:
        with connect(url, max_size=2**26, compression=None) as upstream:
            upstream.send(json.dumps(request))
            while True:
                reply = json.loads(upstream.recv(timeout=30))
                if reply.get("id") == request.get("id"):
                    return rewrite(request, reply)

    return respond
