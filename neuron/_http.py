"""A small HTTP/1.1 server on asyncio + httptools: just what an axon needs, with its limits built in.

Why not uvicorn/Starlette (the SDK's stack): ``bench/http_server.py`` measures a plain protocol at several
times uvicorn's rate for the same trivial handler, because an ASGI server adds scope dicts, receive/send
coroutines and a middleware stack per request. Owning the protocol also puts the defences where they belong:
- a request must finish its headers within ``header_timeout`` and its body within ``body_timeout`` of the
  headers (a slowloris client sending a byte a second is cut off), an idle keep-alive connection is closed
  after ``keepalive_timeout``;
- an oversized body is refused with 413 from its Content-Length before it is read (or as soon as a chunked
  body passes the limit), headers larger than ``max_header_bytes`` with 431;
- graceful shutdown stops accepting, closes idle connections, lets in-flight requests finish.

Requests on one connection are answered in order (pipelining is parsed but served sequentially).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus

import httptools

log = logging.getLogger("neuron.http")


@dataclass(slots=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    client: tuple[str, int]


@dataclass(slots=True)
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


Handler = Callable[[Request], Awaitable[Response]]
_MAX_PIPELINED = 8  # requests parsed ahead of the one being answered, per connection
_MAX_UNREAD_BYTES = 8 * 1024 * 1024  # answers written but not read by the client
# Called for a request refused by the protocol itself (413/431/400) so the owner can count and sign it.
Refusal = Callable[[int, str, tuple[str, int], dict[str, str]], Response]


@dataclass
class Limits:
    max_body_bytes: int = 4 * 1024 * 1024
    max_header_bytes: int = 64 * 1024
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    keepalive_timeout: float = 15.0
    max_connections: int = 2048


def _reason(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b"Unknown"


def render(response: Response, keep_alive: bool) -> bytes:
    lines = [b"HTTP/1.1 %d %s\r\n" % (response.status, _reason(response.status))]
    for name, value in response.headers.items():
        lines.append(f"{name}: {value}\r\n".encode("latin-1"))
    lines.append(b"content-length: %d\r\nconnection: %s\r\n\r\n" % (
        len(response.body), b"keep-alive" if keep_alive else b"close"))
    lines.append(response.body)
    return b"".join(lines)


class ServerState:
    """What all connections of one server share: the handler, limits, open connections, in-flight count."""

    def __init__(self, handler: Handler, refusal: Refusal, limits: Limits):
        self.handler = handler
        self.refusal = refusal
        self.limits = limits
        self.connections: set[HttpProtocol] = set()
        self.in_flight = 0
        self.closing = False
        self.idle = asyncio.Event()
        self.idle.set()

    def begin(self) -> None:
        self.in_flight += 1
        self.idle.clear()

    def end(self) -> None:
        self.in_flight -= 1
        if self.in_flight == 0:
            self.idle.set()


class HttpProtocol(asyncio.Protocol):
    def __init__(self, state: ServerState):
        self.state = state
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        self.client: tuple[str, int] = ("", 0)
        self.queue: deque[tuple[Request, bool]] = deque()
        self.busy = False
        self.paused = False
        self.timer: asyncio.TimerHandle | None = None
        self._reset()

    # ----- connection lifecycle ---------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername") or ("", 0)
        self.client = (str(peer[0]), int(peer[1]))
        if self.state.closing or len(self.state.connections) >= self.state.limits.max_connections:
            transport.close()
            return
        self.state.connections.add(self)
        self._arm(self.state.limits.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self.state.connections.discard(self)
        self._disarm()
        self.transport = None

    def data_received(self, data: bytes) -> None:
        if self.transport is None:
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._refuse(400, "protocol upgrades are not supported")
        except httptools.HttpParserError:
            if self.transport is not None and not self._refused:
                self._refuse(400, "malformed HTTP request")

    def close_if_idle(self) -> None:
        if not self.busy and not self.queue and self.transport is not None and not self._in_message:
            self.transport.close()

    # ----- timers -----------------------------------------------------------------------------------------
    def _arm(self, seconds: float) -> None:
        self._disarm()
        self.timer = self.loop.call_later(seconds, self._timed_out)

    def _disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _timed_out(self) -> None:
        self.timer = None
        if self.transport is None:
            return
        if self._in_message:
            self._refuse(408, "request was not received in time")
        else:
            self.transport.close()  # idle keep-alive connection

    # ----- parser callbacks -------------------------------------------------------------------------------
    def _reset(self) -> None:
        self._url = b""
        self._headers: dict[str, str] = {}
        self._header_bytes = 0
        self._body: list[bytes] = []
        self._body_size = 0
        self._in_message = False
        self._refused = False

    def on_message_begin(self) -> None:
        self._reset()
        self._in_message = True
        self._arm(self.state.limits.header_timeout)

    def on_url(self, url: bytes) -> None:
        self._url += url
        self._count_header(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_header(len(name) + len(value))
        self._headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def _count_header(self, size: int) -> None:
        self._header_bytes += size
        if self._header_bytes > self.state.limits.max_header_bytes:
            self._refuse(431, f"request headers exceed {self.state.limits.max_header_bytes} bytes")
            raise httptools.HttpParserError("headers too large")

    def on_headers_complete(self) -> None:
        length = self._headers.get("content-length")
        limit = self.state.limits.max_body_bytes
        if length is not None and length.isdigit() and int(length) > limit:
            self._refuse(413, f"request body of {length} bytes exceeds the axon's limit of {limit} bytes")
            raise httptools.HttpParserError("body too large")
        if self._headers.get("expect", "").lower() == "100-continue" and self.transport is not None:
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # curl waits a second for this otherwise
        self._arm(self.state.limits.body_timeout)

    def on_body(self, body: bytes) -> None:
        self._body_size += len(body)
        if self._body_size > self.state.limits.max_body_bytes:
            limit = self.state.limits.max_body_bytes
            self._refuse(413, f"request body exceeds the axon's limit of {limit} bytes")
            raise httptools.HttpParserError("body too large")
        self._body.append(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        path = self._url.split(b"?", 1)[0].decode("latin-1")
        request = Request(self.parser.get_method().decode("latin-1"), path, self._headers,
                          b"".join(self._body), self.client)
        keep_alive = self.parser.should_keep_alive()
        self._in_message = False
        self._disarm()
        self.queue.append((request, keep_alive))
        if len(self.queue) >= _MAX_PIPELINED and self.transport is not None and not self.paused:
            self.paused = True  # a client pipelining faster than we answer waits in its own socket buffer
            self.transport.pause_reading()
        if not self.busy:
            self.busy = True
            self.state.begin()
            self.loop.create_task(self._serve())

    # ----- answering --------------------------------------------------------------------------------------
    async def _serve(self) -> None:
        try:
            while self.queue and self.transport is not None:
                request, keep_alive = self.queue.popleft()
                if self.paused and len(self.queue) < _MAX_PIPELINED // 2:
                    self.paused = False
                    self.transport.resume_reading()
                try:
                    response = await self.state.handler(request)
                except Exception:  # the handler answers every error itself; this is a last resort
                    log.exception("axon handler failed")
                    response = self.state.refusal(500, "internal server error", self.client, request.headers)
                keep_alive = keep_alive and not self.state.closing
                if self.transport is None:
                    break
                self.transport.write(render(response, keep_alive))
                if self.transport.get_write_buffer_size() > _MAX_UNREAD_BYTES:
                    keep_alive = False  # the client does not read its answers: stop answering it
                if not keep_alive:
                    self.transport.close()
                    break
        finally:
            self.busy = False
            self.state.end()
        if self.transport is not None and not self._in_message:
            self._arm(self.state.limits.keepalive_timeout)

    def _refuse(self, status: int, message: str) -> None:
        """Answer ``status`` now and close: the rest of this connection's bytes cannot be trusted."""
        self._refused = True
        self._disarm()
        if self.transport is None:
            return
        with contextlib.suppress(Exception):
            self.transport.write(render(self.state.refusal(status, message, self.client, self._headers), False))
        self.transport.close()


async def drain(state: ServerState, grace: float) -> None:
    """Graceful stop: refuse new connections, close idle ones, wait up to ``grace`` s for in-flight work."""
    state.closing = True
    for conn in list(state.connections):
        conn.close_if_idle()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(state.idle.wait(), grace)
    for conn in list(state.connections):
        if conn.transport is not None:
            conn.transport.close()
