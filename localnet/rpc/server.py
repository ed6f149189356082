"""One TCP port serving JSON-RPC over WebSocket and over plain HTTP POST.

Why a hand-rolled asyncio protocol: websockets' servers only accept GET, but Substrate nodes answer POSTed
JSON-RPC on the same port (curl, scripts, polkadot.js' HTTP provider). So each connection's first request
head is sniffed: `GET` with `Upgrade: websocket` is handed to websockets' sans-I/O `ServerProtocol` (which
does the framing, ping/pong, close and UTF-8 checks), `POST` is answered as HTTP/1.1 with keep-alive.
Synchronous handlers answer inside `data_received`, so pipelined calls cost no task switches.

Why the limits: a node on a shared machine (or an open port) meets clients that never finish a request
head (slowloris), open thousands of idle sockets, or pipeline heavy calls. So: at most MAX_CONNECTIONS at
once (when full, the longest-idle connection that is not a busy WebSocket gives way, else the new one is
refused), a request head must arrive within HEADER_TIMEOUT, an HTTP keep-alive connection idle for
HTTP_IDLE_TIMEOUT is closed, a connection with MAX_IN_FLIGHT unanswered async requests is not read until
they drain, and connection errors are logged at most once per LOG_EVERY seconds per kind, without traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import inspect
import json
import logging
import socket
import time
from typing import Any

from websockets.frames import Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol

from localnet.rpc.dispatch import MAX_REQUEST_BYTES, Dispatcher, Session

log = logging.getLogger("localnet.rpc")

MAX_HEAD_BYTES = 64 * 1024
MAX_FRAME_BYTES = 64 * 1024 * 1024  # larger frames close the connection (1009); 15 MiB+ gets a JSON error
MAX_WRITE_BUFFER = 64 * 1024 * 1024
MAX_CONNECTIONS = 512  # below the usual 1024 file descriptors, with room for the database and logs
HEADER_TIMEOUT = 10.0  # seconds for a complete request head (first one, or a started keep-alive one)
HTTP_IDLE_TIMEOUT = 60.0  # an HTTP keep-alive connection with nothing to do
MAX_IN_FLIGHT = 32  # async answers pending on one connection before it stops being read
SWEEP_EVERY = 1.0
BACKLOG = 128  # also how many connections asyncio accepts in one go, before any is counted
LOG_EVERY = 10.0


class ThrottledLog:
    """At most one line per `every` seconds for each kind of event, counting the ones held back.

    Why: 20,000 hostile connections used to write 422,911 tracebacks (188 MB) in 40 s."""

    def __init__(self, every: float = LOG_EVERY) -> None:
        self.every = every
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def warning(self, kind: str, message: str, exc: BaseException | None = None) -> None:
        now = time.monotonic()
        if now - self._last.get(kind, -self.every) < self.every:
            self._held[kind] = self._held.get(kind, 0) + 1
            return
        held = self._held.pop(kind, 0)
        self._last[kind] = now
        why = f": {type(exc).__name__}: {exc}" if exc is not None else ""
        more = f" ({held} more like it in the last {self.every:g} s)" if held else ""
        log.warning("%s%s%s", message, why, more, exc_info=exc if log.isEnabledFor(logging.DEBUG) else None)


throttled = ThrottledLog()


class PortInUse(OSError):
    """The chosen port is taken (most likely by a node that is already running)."""


class _Conn(asyncio.Protocol):
    def __init__(self, dispatcher: Dispatcher, server: RpcServer | None = None):
        self.d = dispatcher
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.ws: ServerProtocol | None = None
        self.fragments: list[bytes] | None = None
        self.fragments_text = False
        self.session = Session(None)
        self.http_busy = False
        self.tasks: set[asyncio.Task] = set()
        self.opened = self.last_active = time.monotonic()
        self.head_started: float | None = self.opened  # waiting for a request head since then
        self.requests = 0
        self.paused = False

    # -- connection ---------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        if self.server is not None and not self.server.admit(self):
            return
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.server is not None:
            self.server.conns.discard(self)
        self.session.close()
        for task in self.tasks:
            task.cancel()

    def data_received(self, data: bytes) -> None:
        self.last_active = time.monotonic()
        try:
            if self.ws is not None:
                self.ws.receive_data(data)
                self._ws_events()
            else:
                if not self.buf and self.head_started is None:
                    self.head_started = self.last_active
                self.buf += data
                self._http()
        except Exception as exc:  # never let one connection's garbage reach the event loop
            throttled.warning("garbage", "closed a connection that sent input the server could not handle", exc)
            self._close()

    def overdue(self, now: float) -> str | None:
        """Why this connection should be closed now (slow request head, idle keep-alive), or None."""
        if self.ws is not None or self.http_busy or self.tasks:
            return None
        if self.head_started is not None and now - self.head_started > HEADER_TIMEOUT:
            return f"no complete request head within {HEADER_TIMEOUT:g} s"
        if self.buf and now - self.last_active > HEADER_TIMEOUT:
            return f"a request stalled for {HEADER_TIMEOUT:g} s"
        if self.requests and not self.buf and now - self.last_active > HTTP_IDLE_TIMEOUT:
            return "idle HTTP keep-alive"
        return None

    def evictable(self) -> bool:
        """Whether this connection may give way to a new one when the server is full: anything but a
        WebSocket with subscriptions or requests pending."""
        if self.ws is None:
            return not self.http_busy
        return not self.session.subscriptions and not self.tasks

    def eof_received(self) -> bool | None:
        if self.ws is not None:
            self.ws.receive_eof()
            self._flush()
        return None

    def _write(self, data: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        if self.transport.get_write_buffer_size() > MAX_WRITE_BUFFER:
            throttled.warning("slow-reader", "a client is not reading its responses; closed the connection")
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
            self.head_started = None
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
            self.requests += 1
            if self.buf:
                self.head_started = time.monotonic()
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
        self.last_active = time.monotonic()
        reason = {200: "OK", 204: "No Content", 405: "Method Not Allowed", 411: "Length Required",
                  413: "Payload Too Large", 431: "Request Header Fields Too Large",
                  503: "Service Unavailable"}.get(status, "Error")
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
                    self._message(event.data, opcode is Opcode.TEXT)
                else:
                    self.fragments, self.fragments_text = [event.data], opcode is Opcode.TEXT
            elif opcode is Opcode.CONT and self.fragments is not None:
                self.fragments.append(event.data)
                if sum(len(f) for f in self.fragments) > MAX_FRAME_BYTES:
                    self.fragments = None
                    self.ws.fail(1009, "message too big")
                elif event.fin:
                    message, self.fragments = b"".join(self.fragments), None
                    self._message(message, self.fragments_text)
        self._flush()

    def _message(self, data: bytes, text: bool = False) -> None:
        if text:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:  # RFC 6455 §8.1: fail the connection with 1007
                assert self.ws is not None
                self.ws.fail(1007, "invalid UTF-8 in a text message")
                return
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
        task.add_done_callback(self._task_done)
        if len(self.tasks) >= MAX_IN_FLIGHT and not self.paused and self.transport is not None:
            self.paused = True  # back-pressure: read no more requests until the answers drain
            self.transport.pause_reading()

    def _task_done(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        self.last_active = time.monotonic()
        if self.paused and len(self.tasks) <= MAX_IN_FLIGHT // 2 and self.transport is not None:
            self.paused = False
            if not self.transport.is_closing():
                self.transport.resume_reading()


def _fd_budget() -> int:
    """Connections the process can hold: its file-descriptor limit less room for the database, logs and
    worker threads. Why: at the limit, accept() fails in a loop and every client hangs."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        return MAX_CONNECTIONS
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(8, soft - 64 - BACKLOG)


def _quiet_loop_errors(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The loop's own errors (accept() out of descriptors, a transport failing) as throttled one-liners."""
    exc = context.get("exception")
    message = str(context.get("message") or "event loop error")
    throttled.warning("loop:" + message[:40], message, exc if isinstance(exc, BaseException) else None)


class RpcServer:
    """The listening socket; `start()` raises PortInUse with a one-line reason."""

    def __init__(self, dispatcher: Dispatcher, host: str = "127.0.0.1", port: int = 9944, *,
                 max_connections: int = MAX_CONNECTIONS):
        self.dispatcher = dispatcher
        self.host = host
        self.port = port
        self.max_connections = min(max_connections, _fd_budget())
        self._server: asyncio.Server | None = None
        self._sweeper: asyncio.Task | None = None
        self.conns: set[_Conn] = set()
        self.refused = 0

    def _conn(self) -> _Conn:
        return _Conn(self.dispatcher, self)

    def admit(self, conn: _Conn) -> bool:
        """Count a new connection in; when full, the longest-idle evictable one gives way, else refuse it."""
        if len(self.conns) >= self.max_connections:
            idle = [c for c in self.conns if c.evictable()]
            if idle:
                oldest = min(idle, key=lambda c: c.last_active)
                if oldest.transport is not None:
                    oldest.transport.abort()
                self.conns.discard(oldest)
                throttled.warning("evict", f"connection limit ({self.max_connections}) reached: closed the "
                                           "longest-idle connection to admit a new one")
            else:
                self.refused += 1
                throttled.warning("refuse", f"connection limit ({self.max_connections}) reached with every "
                                            "connection busy: refused a new one")
                assert conn.transport is not None
                conn.transport.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                     b"Connection: close\r\n\r\n")
                conn.transport.close()
                return False
        self.conns.add(conn)
        return True

    async def _sweep(self) -> None:
        """Close connections whose request head is too slow or whose keep-alive idles too long."""
        while True:
            await asyncio.sleep(SWEEP_EVERY)
            now = time.monotonic()
            for conn in list(self.conns):
                why = conn.overdue(now)
                if why is not None and conn.transport is not None:
                    throttled.warning("timeout", f"closed a connection: {why}")
                    conn.transport.abort()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(_quiet_loop_errors)
        try:
            self._server = await loop.create_server(self._conn, self.host, self.port,
                                                    reuse_address=True, backlog=BACKLOG)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise PortInUse(err.errno, f"port {self.port} on {self.host} is already in use "
                                           "(is a localnet already running? try `taocli localnet status`)") from None
            raise
        sockets = self._server.sockets or []
        if sockets:
            self.port = sockets[0].getsockname()[1]
        self._sweeper = loop.create_task(self._sweep(), name="rpc-sweeper")

    async def close(self) -> None:
        """Stop listening and drop every open connection. Why drop them: Server.close leaves accepted
        connections open, and their requests would then be served from a store being closed ("Cannot operate
        on a closed database" as an Internal error); a dropped connection is what clients expect at shutdown."""
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self._server is not None:
            self._server.close()
            for conn in list(self.conns):
                if conn.transport is not None:
                    conn.transport.abort()  # connection_lost cancels its request tasks
            await asyncio.sleep(0)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
