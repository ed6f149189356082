"""A keep-alive HTTP/1.1 client pool on asyncio + httptools: the dendrite's transport.

Why not httpx (the first choice): ``bench/dendrite_transport.py`` measured httpx at ~1.4 ms of client CPU
per call here (request/response models, h11 header validation, anyio stream wrappers, a pool scanned on every
request), about 30x what this pool costs, which capped the dendrite at the SDK's rate. An axon call is always
the same shape (one POST, a JSON answer with a Content-Length), so the client can be this small.

Errors are the stdlib's, for the dendrite to map to SDK status codes: ``ConnectionRefusedError`` / ``OSError``
(unreachable), ``ConnectionResetError`` (the server closed mid-call), ``httptools.HttpParserError`` (garbage).
A reused keep-alive connection that the server closed in the meantime is retried once on a new one (safe:
the axon refuses a repeated nonce, so a request can never be served twice).
"""

from __future__ import annotations

import asyncio
from collections import deque

import httptools


class Answer:
    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status, self.headers, self.body = status, headers, body


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[Answer] | None = None
        self.closed = False
        self.got_bytes = False
        self.keep_alive = True
        self._reset()

    def _reset(self) -> None:
        self._headers: dict[str, str] = {}
        self._body: list[bytes] = []

    # asyncio callbacks
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionResetError("the server closed the connection before answering"))

    def data_received(self, data: bytes) -> None:
        self.got_bytes = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(exc)

    def eof_received(self) -> bool:
        return False

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        answer = Answer(self.parser.get_status_code(), self._headers, b"".join(self._body))
        self.keep_alive = self.parser.should_keep_alive()
        self._reset()
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(answer)

    def _fail(self, exc: Exception) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)
        self.close()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    async def request(self, data: bytes) -> Answer:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.got_bytes = False
        self.transport.write(data)
        try:
            return await self.waiter
        finally:
            self.waiter = None


class ClientPool:
    """Idle keep-alive connections per (host, port); one request per connection at a time."""

    def __init__(self, max_idle_per_host: int = 256):
        self.max_idle_per_host = max_idle_per_host
        self._idle: dict[tuple[str, int], deque[_Connection]] = {}
        self._open: set[_Connection] = set()

    async def post(self, host: str, port: int, path: str, headers: dict[str, str], body: bytes) -> Answer:
        head = [f"POST {path} HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-length: {len(body)}\r\n"]
        head += [f"{k}: {v}\r\n" for k, v in headers.items()]
        data = "".join(head).encode("latin-1") + b"\r\n" + body
        key = (host, port)
        conn, reused = self._take(key), True
        if conn is None:
            conn, reused = await self._connect(host, port), False
        try:
            answer = await conn.request(data)
        except ConnectionResetError:
            if not reused or conn.got_bytes:
                self._discard(conn)
                raise
            self._discard(conn)  # closed while idle: one retry on a new connection
            conn = await self._connect(host, port)
            try:
                answer = await conn.request(data)
            except BaseException:
                self._discard(conn)
                raise
        except BaseException:  # timeout/cancel mid-call: the connection holds a half-read answer
            self._discard(conn)
            raise
        self._give_back(key, conn)
        return answer

    def _take(self, key: tuple[str, int]) -> _Connection | None:
        idle = self._idle.get(key)
        while idle:
            conn = idle.pop()
            if not conn.closed:
                return conn
            self._open.discard(conn)
        return None

    async def _connect(self, host: str, port: int) -> _Connection:
        _, conn = await asyncio.get_running_loop().create_connection(_Connection, host, port)
        self._open.add(conn)
        return conn

    def _give_back(self, key: tuple[str, int], conn: _Connection) -> None:
        idle = self._idle.setdefault(key, deque())
        if conn.closed or not conn.keep_alive or len(idle) >= self.max_idle_per_host:
            self._discard(conn)
        else:
            idle.append(conn)

    def _discard(self, conn: _Connection) -> None:
        conn.close()
        self._open.discard(conn)

    def close(self) -> None:
        for conn in list(self._open):
            conn.close()
        self._open.clear()
        self._idle.clear()
