"""One TCP port serving JSON-RPC over WebSocket and over plain HTTP POST.

Why a hand-rolled asyncio protocol: websockets' servers only accept GET, but Substrate nodes answer POSTed
JSON-RPC on the same port (curl, scripts, polkadot.js' HTTP provider). So each connection's first request
head is sniffed: `GET` with `Upgrade: websocket` is handed to websockets' sans-I/O `ServerProtocol` (which
does the framing, ping/pong, close and UTF-8 checks), `POST` is answered as HTTP/1.1 with keep-alive.
Synchronous handlers answer inside `data_received`, so pipelined calls cost no task switches.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import inspect
import json
import logging
import socket
import weakref
from typing import Any

from websockets.frames import Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol

from localnet.rpc.dispatch import MAX_REQUEST_BYTES, Dispatcher, Session

log = logging.getLogger("localnet.rpc")

MAX_HEAD_BYTES = 64 * 1024
MAX_FRAME_BYTES = 64 * 1024 * 1024  # larger frames close the connection (1009); 15 MiB+ gets a JSON error
MAX_WRITE_BUFFER = 64 * 1024 * 1024


class PortInUse(OSError):
    """The chosen port is taken (most likely by a node that is already running)."""


class _Conn(asyncio.Protocol):
    def __init__(self, dispatcher: Dispatcher):
        self.d = dispatcher
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.ws: ServerProtocol | None = None
        self.fragments: list[bytes] | None = None
        self.session = Session(None)
        self.http_busy = False
        self.tasks: set[asyncio.Task] = set()

    # -- connection ---------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc: Exception | None) -> None:
        self.session.close()
        for task in self.tasks:
            task.cancel()

    def data_received(self, data: bytes) -> None:
        try:
            if self.ws is not None:
                self.ws.receive_data(data)
                self._ws_events()
            else:
                self.buf += data
                self._http()
        except Exception:  # never let one connection's garbage reach the event loop
            log.exception("connection error")
            self._close()

    def eof_received(self) -> bool | None:
        if self.ws is not None:
            self.ws.receive_eof()
            self._flush()
        return None

    def _write(self, data: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        if self.transport.get_write_buffer_size() > MAX_WRITE_BUFFER:
            log.warning("client is not reading its responses; closing the connection")
            self.transport.abort()
            return
        self.transport.write(data)

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    # -- HTTP ---------------------------------------------------------------------------------------

    def _http(self) -> None:
        while not self.http_busy:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > MAX_HEAD_BYTES:
                    self._http_reply(431, b"request head too large", close=True)
                return
            head = bytes(self.buf[:end]).decode("latin-1")
            lines = head.split("\r\n")
            parts = lines[0].split(" ")
            method = parts[0].upper() if parts else ""
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if method == "GET" and "websocket" in headers.get("upgrade", "").lower():
                self._upgrade()
                return
            keep_alive = headers.get("connection", "").lower() != "close"
            if method == "OPTIONS":
                del self.buf[: end + 4]
                self._http_reply(204, b"", close=not keep_alive)
                continue
            if method == "GET" and len(parts) > 1 and parts[1].split("?")[0] == "/health":
                del self.buf[: end + 4]
                self._http_reply(200, b'{"isSyncing":false,"peers":0,"shouldHavePeers":false}',
                                 close=not keep_alive)
                continue
            if method != "POST":
                self._http_reply(405, b"use POST for JSON-RPC over HTTP, or a WebSocket", close=True)
                return
            try:
                length = int(headers.get("content-length", ""))
            except ValueError:
                self._http_reply(411, b"Content-Length required", close=True)
                return
            if length < 0 or length > MAX_REQUEST_BYTES:
                body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {
                    "code": -32007, "message": "Request is too big",
                    "data": f"Exceeded max limit of {MAX_REQUEST_BYTES}"}}).encode()
                self._http_reply(413, body, close=True)
                return
            if len(self.buf) < end + 4 + length:
                return
            body = bytes(self.buf[end + 4 : end + 4 + length])
            del self.buf[: end + 4 + length]
            out = self.d.handle(body, self.session)
            if inspect.isawaitable(out):
                self.http_busy = True
                self._spawn(self._http_async(out, keep_alive))
                return
            self._http_reply(200, (out or "").encode(), close=not keep_alive)

    async def _http_async(self, out: Any, keep_alive: bool) -> None:
        text = await out
        self._http_reply(200, (text or "").encode(), close=not keep_alive)
        self.http_busy = False
        self._http()

    def _http_reply(self, status: int, body: bytes, *, close: bool) -> None:
        reason = {200: "OK", 204: "No Content", 405: "Method Not Allowed", 411: "Length Required",
                  413: "Payload Too Large", 431: "Request Header Fields Too Large"}.get(status, "Error")
        ctype = "application/json; charset=utf-8" if body[:1] in (b"{", b"[") else "text/plain; charset=utf-8"
        head = (
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
            "Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Headers: content-type\r\n"
            "Access-Control-Allow-Methods: POST, OPTIONS\r\n"
            + ("Connection: close\r\n" if close else "")
            + "\r\n"
        )
        self._write(head.encode() + body)
        if close:
            self._close()

    # -- WebSocket ----------------------------------------------------------------------------------

    def _upgrade(self) -> None:
        self.ws = ServerProtocol(max_size=MAX_FRAME_BYTES)
        self.session = Session(self._send_text)
        data, self.buf = bytes(self.buf), bytearray()
        self.ws.receive_data(data)
        self._ws_events()

    def _ws_events(self) -> None:
        assert self.ws is not None
        for event in self.ws.events_received():
            if isinstance(event, Request):
                self.ws.send_response(self.ws.accept(event))
                continue
            opcode = event.opcode
            if opcode in (Opcode.TEXT, Opcode.BINARY):
                if event.fin:
                    self._message(event.data)
                else:
                    self.fragments = [event.data]
            elif opcode is Opcode.CONT and self.fragments is not None:
                self.fragments.append(event.data)
                if sum(len(f) for f in self.fragments) > MAX_FRAME_BYTES:
                    self.fragments = None
                    self.ws.fail(1009, "message too big")
                elif event.fin:
                    message, self.fragments = b"".join(self.fragments), None
                    self._message(message)
        self._flush()

    def _message(self, data: bytes) -> None:
        out = self.d.handle(data, self.session)
        if inspect.isawaitable(out):
            self._spawn(self._ws_async(out))
            return
        if out is not None:
            self._send_text(out)
        self.session.run_deferred()

    async def _ws_async(self, out: Any) -> None:
        text = await out
        if text is not None:
            self._send_text(text)
        self.session.run_deferred()

    def _send_text(self, text: str) -> None:
        if self.ws is None or self.session.closed:
            return
        with contextlib.suppress(Exception):  # the peer may be gone; connection_lost cleans up
            self.ws.send_text(text.encode())
        self._flush()

    def _flush(self) -> None:
        if self.ws is None:
            return
        for chunk in self.ws.data_to_send():
            if chunk:
                self._write(chunk)
            else:
                self._close()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


class RpcServer:
    """The listening socket; `start()` raises PortInUse with a one-line reason."""

    def __init__(self, dispatcher: Dispatcher, host: str = "127.0.0.1", port: int = 9944):
        self.dispatcher = dispatcher
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None
        self._conns: weakref.WeakSet[_Conn] = weakref.WeakSet()

    def _conn(self) -> _Conn:
        conn = _Conn(self.dispatcher)
        self._conns.add(conn)
        return conn

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            self._server = await loop.create_server(self._conn, self.host, self.port,
                                                    reuse_address=True, backlog=512)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise PortInUse(err.errno, f"port {self.port} on {self.host} is already in use "
                                           "(is a localnet already running? try `taocli localnet status`)") from None
            raise
        sockets = self._server.sockets or []
        if sockets:
            self.port = sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening and drop every open connection. Why drop them: Server.close leaves accepted
        connections open, and their requests would then be served from a store being closed ("Cannot operate
        on a closed database" as an Internal error); a dropped connection is what clients expect at shutdown."""
        if self._server is not None:
            self._server.close()
            for conn in list(self._conns):
                if conn.transport is not None:
                    conn.transport.abort()  # connection_lost cancels its request tasks
            await asyncio.sleep(0)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
