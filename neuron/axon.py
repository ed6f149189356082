"""Axon: the server side of a neuron, answering one handler per Synapse type over the SDK's HTTP wire.

The pipeline of one request, each step refusing with one status before the next runs:
route 404 → headers 400 → signature, freshness and replay 401 → body vs signed hashes 400 → registered
(``is_allowed``) 403 → blacklist 403 → per-hotkey rate 429 → queue by priority (stake) for one of
``max_concurrency`` slots → handler within the timeout 408 / error 500 → 200. Oversized bodies (413), huge
headers (431) and slow senders (408) are refused by the HTTP layer before any of this.

The server runs on its own event loop in its own thread for sync callers (``start``/``stop``), or on the
caller's loop (``astart``/``astop``). Sync handlers run in a thread pool, so a slow handler cannot stall
the loop that answers everyone else.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import logging
import socket
import threading
import time
import typing
import uuid as uuid_lib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

import neuron._wire as _wire
from neuron._admission import PriorityGate, RateLimiter
from neuron._auth import Authenticator, Verdict
from neuron._http import HttpProtocol, Limits, Request, Response, ServerState, drain
from neuron._replay import ReplayGuard
from neuron.network import AxonInfo, advertised_ip
from neuron.synapse import Synapse, TerminalInfo, decode, encode
from wallet.keypair import Keypair

log = logging.getLogger("neuron.axon")

_JSON = {"content-type": "application/json"}


@dataclass
class _Route:
    cls: type[Synapse]
    forward: Callable[..., Any]
    blacklist: Callable[..., Any] | None
    priority: Callable[..., Any] | None
    is_async: bool


def _synapse_type(fn: Callable[..., Any]) -> type[Synapse] | None:
    try:
        hints = typing.get_type_hints(fn)
    except Exception:
        hints = getattr(fn, "__annotations__", {})
    params = list(inspect.signature(fn).parameters)
    hint = hints.get(params[0]) if params else None
    return hint if isinstance(hint, type) and issubclass(hint, Synapse) else None


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


if hasattr(asyncio, "timeout"):  # 3.11+: a deadline on the running task, no extra task per request

    async def _within(work: typing.Awaitable[Any], seconds: float) -> Any:
        async with asyncio.timeout(seconds):
            return await work
else:  # pragma: no cover (3.10)

    async def _within(work: typing.Awaitable[Any], seconds: float) -> Any:
        return await asyncio.wait_for(work, seconds)


class Axon:
    def __init__(
        self,
        keypair: Keypair,
        *,
        host: str = "0.0.0.0",
        port: int = 8091,
        external_ip: str | None = None,
        external_port: int | None = None,
        max_body_bytes: int = 4 * 1024 * 1024,
        max_concurrency: int = 64,
        rate_limit_per_minute: float | None = None,
        is_allowed: Callable[[str], bool] | None = None,
        stake_of: Callable[[str], float] | None = None,
        freshness_seconds: float = 16.0,
        max_timeout: float = 60.0,
        header_timeout: float = 10.0,
        body_timeout: float = 30.0,
        keepalive_timeout: float = 15.0,
        allow_legacy_nonces: bool = True,
    ):
        self.keypair = keypair
        self.hotkey = keypair.ss58_address
        self.host, self._port = host, port
        self.external_ip, self.external_port = external_ip, external_port
        self.max_timeout = max_timeout
        self.is_allowed, self.stake_of = is_allowed, stake_of
        self.uuid = str(uuid_lib.uuid1())
        self.limits = Limits(max_body_bytes=max_body_bytes, header_timeout=header_timeout,
                             body_timeout=body_timeout, keepalive_timeout=keepalive_timeout)
        self.replay = ReplayGuard(allow_legacy=allow_legacy_nonces)
        self._auth = Authenticator(self.hotkey, self.replay, freshness_seconds)
        self.gate = PriorityGate(max_concurrency)
        self.rate = RateLimiter(rate_limit_per_minute)
        self._routes: dict[str, _Route] = {}
        if max_body_bytes < 1 or freshness_seconds <= 0 or max_timeout <= 0:
            raise ValueError("max_body_bytes, freshness_seconds and max_timeout must be positive")
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self.served: Counter[int] = Counter()
        self.started_at: float | None = None
        self._state: ServerState | None = None
        self._server: asyncio.AbstractServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self._housekeeping: asyncio.Task[None] | None = None

    # ----- configuration ----------------------------------------------------------------------------------
    def attach(self, forward: Callable[..., Any], blacklist: Callable[..., Any] | None = None,
               priority: Callable[..., Any] | None = None, *, synapse: type[Synapse] | None = None) -> Axon:
        """Serve ``forward`` for its Synapse type (from its first parameter's annotation, or ``synapse``).

        ``blacklist(syn) -> bool | (bool, reason)`` and ``priority(syn) -> float`` may be sync or async;
        they see only requests whose signature already verified. Without ``priority`` the caller's stake
        (``stake_of``) orders the queue.
        """
        cls = synapse or _synapse_type(forward)
        if cls is None:
            raise TypeError(f"cannot tell which Synapse {getattr(forward, '__name__', forward)!r} serves: "
                            "annotate its first parameter with a Synapse subclass or pass synapse=")
        if cls.__name__ in self._routes:
            raise ValueError(f"a handler for {cls.__name__} is already attached")
        unknown = [f for f in cls.required_hash_fields if f not in cls.__struct_fields__]
        if unknown:
            raise TypeError(f"{cls.__name__}.required_hash_fields names fields it does not have: {', '.join(unknown)}")
        self._routes[cls.__name__] = _Route(cls, forward, blacklist, priority,
                                            inspect.iscoroutinefunction(forward))
        return self

    @property
    def port(self) -> int:
        return self._port

    def info(self) -> AxonInfo:
        """Where peers reach this axon (what ``serve_axon`` should publish) and its hotkey."""
        return AxonInfo(self.external_ip or advertised_ip(self.host), self.external_port or self._port, self.hotkey)

    def stats(self) -> dict[str, Any]:
        """Counters for ``status`` commands: requests answered, by status, and what is in progress."""
        uptime = time.monotonic() - self.started_at if self.started_at else 0.0
        total = sum(self.served.values())
        return {"requests": total, "by_status": dict(sorted(self.served.items())),
                "in_flight": self.gate.active, "waiting": self.gate.waiting,
                "uptime_seconds": round(uptime, 3), "rate_per_second": round(total / uptime, 3) if uptime else 0.0,
                "nonces_tracked": len(self.replay)}

    # ----- lifecycle --------------------------------------------------------------------------------------
    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self._port))
        except OSError as exc:
            sock.close()
            raise OSError(exc.errno, f"cannot listen on {self.host}:{self._port}: {exc.strerror}; "
                                     "choose another --axon-port or stop what uses it") from None
        sock.listen(1024)
        sock.setblocking(False)
        self._port = sock.getsockname()[1]
        return sock

    async def astart(self) -> Axon:
        """Serve on the running event loop."""
        if self._server is not None:
            raise RuntimeError("this axon is already serving")
        self._sock = self._sock or self._bind()
        self._pool = concurrent.futures.ThreadPoolExecutor(self.gate.max_concurrency, thread_name_prefix="axon-forward")
        loop = asyncio.get_running_loop()
        self._state = ServerState(self._handle, self._refusal, self.limits)
        state = self._state
        self._server = await loop.create_server(lambda: HttpProtocol(state), sock=self._sock)
        self._housekeeping = loop.create_task(self._tidy())
        self.started_at = time.monotonic()
        return self

    async def astop(self, grace: float = 5.0) -> None:
        """Stop accepting, let in-flight requests finish (up to ``grace`` s), close every connection."""
        if self._server is None:
            return
        self._server.close()
        if self._state is not None:
            await drain(self._state, grace)
        await self._server.wait_closed()
        if self._housekeeping is not None:
            self._housekeeping.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=False)
        self._server, self._sock, self._pool = None, None, None

    def start(self) -> Axon:
        """Serve from a thread of its own (its own event loop); returns once the port is bound."""
        if self._thread is not None:
            raise RuntimeError("this axon is already serving")
        self._sock = self._bind()
        loop = asyncio.new_event_loop()  # uvloop measured no faster here (bench/http_server.py)
        ready = concurrent.futures.Future()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.astart())
                ready.set_result(None)
            except BaseException as exc:
                ready.set_exception(exc)
                return
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name=f"axon-{self._port}", daemon=True)
        self._thread.start()
        ready.result()
        return self

    def stop(self, grace: float = 5.0) -> None:
        if self._thread is None or self._loop is None:
            return
        loop, thread = self._loop, self._thread
        asyncio.run_coroutine_threadsafe(self.astop(grace), loop).result(grace + 5.0)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(grace + 5.0)
        self._thread, self._loop = None, None

    def __enter__(self) -> Axon:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _tidy(self) -> None:
        while True:
            await asyncio.sleep(10.0)
            self.replay.prune(time.time_ns())
            self.rate.prune()

    # ----- the pipeline -----------------------------------------------------------------------------------
    async def _handle(self, request: Request) -> Response:
        start = time.perf_counter()
        name = request.path[1:]
        headers = request.headers
        try:
            dendrite = _wire.parse_terminal(headers, _wire.DENDRITE_PREFIX)
            timeout = _wire.parse_timeout(headers, 12.0)
        except _wire.WireError as exc:
            return self._error(400, str(exc), start, request, _claimed(headers))
        route = self._routes.get(name)
        if route is None or request.method not in ("POST", "GET"):
            known = ", ".join(sorted(self._routes)) or "none"
            return self._error(404, f"Synapse name '{name}' not found. Available synapses: {known}",
                               start, request, dendrite)
        verdict = self._auth.check(headers, dendrite)
        if verdict.status != 200:
            return self._error(verdict.status, verdict.message, start, request, dendrite, verdict)
        try:
            syn = decode(route.cls, request.body)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            return self._error(400, f"body is not a valid {name}: {exc}", start, request, dendrite, verdict)
        verdict = self._auth.check_body(headers, request.body, verdict, syn)
        if verdict.status != 200:
            return self._error(verdict.status, verdict.message, start, request, dendrite, verdict)
        # The handler sees the verified header identity, not whatever the body claims.
        dendrite.ip, dendrite.port = request.client
        syn.dendrite, syn.timeout = dendrite, timeout
        syn.axon = TerminalInfo(hotkey=self.hotkey, version=_wire.WIRE_VERSION, uuid=self.uuid, status_code=100)
        hotkey = typing.cast(str, dendrite.hotkey)
        try:
            refusal = await self._admit(route, syn, hotkey)
        except Exception as exc:
            log.exception("axon admission callback failed")
            return self._error(500, f"Internal Server Error: {type(exc).__name__}", start, request, dendrite, verdict)
        if refusal is not None:
            return self._error(refusal[0], refusal[1], start, request, dendrite, verdict)
        priority = await self._priority(route, syn, hotkey)
        try:
            result = await _within(self._run(route, syn, priority), min(timeout, self.max_timeout))
        except asyncio.TimeoutError:
            return self._error(408, f"Request timeout after {min(timeout, self.max_timeout)} seconds",
                               start, request, dendrite, verdict)
        except Exception as exc:
            error_id = uuid_lib.uuid4()
            log.exception("forward %s failed (#%s)", name, error_id)
            return self._error(500, f"Internal Server Error #{error_id}: {type(exc).__name__}",
                               start, request, dendrite, verdict)
        return self._success(result if isinstance(result, Synapse) else syn, dendrite, start, verdict)

    async def _admit(self, route: _Route, syn: Synapse, hotkey: str) -> tuple[int, str] | None:
        if self.is_allowed is not None and not await _maybe_await(self.is_allowed(hotkey)):
            return 403, f"Forbidden: hotkey {hotkey} is not registered on this subnet"
        if route.blacklist is not None:
            verdict = await _maybe_await(route.blacklist(syn))
            blocked, reason = verdict if isinstance(verdict, tuple) else (bool(verdict), "blacklisted")
            if blocked:
                return 403, f"Forbidden. Key is blacklisted: {reason}."
        if not self.rate.allow(hotkey):
            return 429, f"Too many requests: hotkey {hotkey} is over {self.rate.per_minute:g} requests per minute"
        return None

    async def _priority(self, route: _Route, syn: Synapse, hotkey: str) -> float:
        try:
            if route.priority is not None:
                return float(await _maybe_await(route.priority(syn)))
            if self.stake_of is not None:
                return float(await _maybe_await(self.stake_of(hotkey)))
        except Exception:
            log.exception("axon priority callback failed; serving at priority 0")
        return 0.0

    async def _run(self, route: _Route, syn: Synapse, priority: float) -> Any:
        await self.gate.acquire(priority)
        try:
            if route.is_async:
                return await route.forward(syn)
            return await asyncio.get_running_loop().run_in_executor(self._pool, route.forward, syn)
        finally:
            self.gate.release()

    # ----- answers ----------------------------------------------------------------------------------------
    def _sign_axon(self, axon: TerminalInfo, dendrite: TerminalInfo | None, verdict: Verdict | None) -> str:
        """Stamp our identity on ``axon`` and sign the SDK's response message, except for a taocli peer:
        it gets the extended signature (``_finish``), which covers this message and more, so one
        signature (~55 us) per answer is enough."""
        axon.hotkey, axon.uuid, axon.version = self.hotkey, self.uuid, _wire.WIRE_VERSION
        axon.nonce = time.time_ns()
        message = _wire.response_message(axon.nonce, dendrite.hotkey if dendrite else None, self.hotkey, self.uuid)
        if verdict is None or not verdict.extended or dendrite is None:
            axon.signature = "0x" + self.keypair.sign(message).hex()
        return message

    def _finish(self, status: int, headers: dict[str, str], body: bytes, message: str,
                dendrite: TerminalInfo | None, verdict: Verdict | None) -> Response:
        if verdict is not None and verdict.extended and dendrite is not None:
            ext = _wire.extended_response_message(message, dendrite.nonce, status, body)
            headers[_wire.EXT_SIGNATURE] = "0x" + self.keypair.sign(ext).hex()
        self.served[status] += 1
        return Response(status, headers, body)

    def _success(self, syn: Synapse, dendrite: TerminalInfo, start: float, verdict: Verdict) -> Response:
        syn.dendrite = dendrite
        axon = syn.axon if syn.axon is not None else TerminalInfo()
        axon.status_code, axon.status_message = 200, "Success"
        axon.process_time = time.perf_counter() - start
        syn.axon = axon
        message = self._sign_axon(axon, dendrite, verdict)
        body = encode(syn)
        headers = _wire.synapse_headers(syn, body_size=len(body))
        headers.update(_JSON)
        return self._finish(200, headers, body, message, dendrite, verdict)

    def _error(self, status: int, text: str, start: float, request: Request | None,
               dendrite: TerminalInfo | None = None, verdict: Verdict | None = None) -> Response:
        axon = TerminalInfo(status_code=status, status_message=text, process_time=time.perf_counter() - start)
        message = self._sign_axon(axon, dendrite, verdict)
        headers: dict[str, str] = {}
        if request is not None and "name" in request.headers:
            headers["name"] = _wire._text(request.headers["name"])
        _wire.terminal_headers(_wire.AXON_PREFIX, axon, headers)
        _wire.terminal_headers(_wire.DENDRITE_PREFIX, dendrite, headers)
        headers.update(_JSON)
        body = msgspec.json.encode({"message": text})
        return self._finish(status, headers, body, message, dendrite, verdict)

    def _refusal(self, status: int, text: str, client: tuple[str, int], headers: dict[str, str]) -> Response:
        return self._error(status, text, time.perf_counter(), None, _claimed(headers))


def _claimed(headers: dict[str, str]) -> TerminalInfo | None:
    """The caller's claimed hotkey and nonce, unverified: only to address a refusal's signature to it."""
    hotkey = headers.get(_wire.DENDRITE_PREFIX + "hotkey")
    return TerminalInfo(hotkey=hotkey) if hotkey else None
