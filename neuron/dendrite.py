"""Dendrite: the client side, sending one signed Synapse to many axons at once and checking their answers.

Connections to each axon are kept alive and reused across calls (the validator asks the same miners every
step) by a small asyncio + httptools pool (``neuron/_client.py``; httpx measured ~30x its CPU per call, see
``bench/dendrite_transport.py``), and the whole fan-out is one ``asyncio.gather`` with a total deadline per
call. Every answer comes back as a Synapse whose ``dendrite.status_code`` says what happened, mapped like
the SDK's (408 timeout, 503 unreachable or disconnected, 400 payload error, 500 other client error,
422 unreadable answer, otherwise the axon's HTTP status), so callers never see an exception per axon.

Unlike the SDK, the axon's signed response is checked: the signature must be by the hotkey we meant to
call, over our own nonce, the status and (from a taocli axon) the response body; an answer that fails is
reported as 502 and its fields are not copied.
"""

from __future__ import annotations

import asyncio
import threading
import time
import typing
import uuid as uuid_lib
from collections.abc import Sequence
from typing import Any, Protocol

import httptools
import msgspec

import neuron._wire as _wire
from neuron._client import Answer, ClientPool
from neuron.network import AxonInfo
from neuron.synapse import BASE_FIELDS, Synapse, TerminalInfo, decode, encode, normalised, sha3_hex
from wallet.keypair import Keypair


class _Target(Protocol):
    ip: str
    port: int
    hotkey: str


def _as_target(axon: Any) -> AxonInfo:
    if hasattr(axon, "info") and callable(axon.info):
        axon = axon.info()
    return AxonInfo(str(axon.ip), int(axon.port), str(axon.hotkey))


class Dendrite:
    def __init__(self, keypair: Keypair, *, external_ip: str | None = None, max_connections: int = 512,
                 require_signed_responses: bool = False):
        self.keypair = keypair
        self.hotkey = keypair.ss58_address
        self.external_ip = external_ip
        # The prefix tells a taocli axon that this dendrite also signs every body byte (see neuron/_wire.py).
        self.uuid = _wire.UUID_PREFIX + str(uuid_lib.uuid1())
        self.require_signed_responses = require_signed_responses
        self._max_idle = max_connections
        self._clients: dict[asyncio.AbstractEventLoop, ClientPool] = {}
        self._last_nonce = 0
        self._keys: dict[str, Keypair] = {}
        self._sync_loop: asyncio.AbstractEventLoop | None = None
        self._sync_thread: threading.Thread | None = None

    # ----- public calls -----------------------------------------------------------------------------------
    async def forward(self, axons: Any, synapse: Synapse, timeout: float = 12.0,
                      deserialize: bool = False) -> Any:
        """Send ``synapse`` to every axon concurrently; one answer per axon, in order (one, for one axon)."""
        single = not isinstance(axons, Sequence)
        targets = [_as_target(a) for a in ([axons] if single else axons)]
        base = normalised(synapse)
        body_hash = base.body_hash
        answers = await asyncio.gather(*(self._call(t, base, body_hash, timeout) for t in targets))
        if deserialize:
            answers = [a.deserialize() for a in answers]
        return answers[0] if single else answers

    async def call(self, axon: Any, synapse: Synapse, timeout: float = 12.0) -> Synapse:
        return await self.forward(axon, synapse, timeout)

    def query(self, axons: Any, synapse: Synapse, timeout: float = 12.0, deserialize: bool = False) -> Any:
        """``forward`` for sync code: runs on the dendrite's own background loop (connections kept)."""
        loop = self._background_loop()
        return asyncio.run_coroutine_threadsafe(self.forward(axons, synapse, timeout, deserialize), loop).result()

    async def aclose(self) -> None:
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            client.close()

    def close(self) -> None:
        """Close pooled connections and the background loop (from sync code; in async code ``await aclose()``)."""
        loop, thread = self._sync_loop, self._sync_thread
        if loop is not None and thread is not None:
            asyncio.run_coroutine_threadsafe(self.aclose(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()
            self._sync_loop = self._sync_thread = None
        self._clients.clear()

    def __enter__(self) -> Dendrite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Dendrite:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ----- one call ---------------------------------------------------------------------------------------
    def _client(self) -> ClientPool:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._clients[loop] = ClientPool(self._max_idle)
        return client

    def _nonce(self) -> int:
        self._last_nonce = max(time.time_ns(), self._last_nonce + 1)
        return self._last_nonce

    def _prepare(self, target: AxonInfo, base: Synapse, body_hash: str, timeout: float
                 ) -> tuple[Synapse, bytes, dict[str, str]]:
        syn = msgspec.structs.replace(base)
        syn.timeout = float(timeout)
        syn.dendrite = TerminalInfo(ip=self.external_ip, version=_wire.WIRE_VERSION, nonce=self._nonce(),
                                    uuid=self.uuid, hotkey=self.hotkey)
        syn.axon = TerminalInfo(ip=target.ip, port=target.port, hotkey=target.hotkey)
        message = _wire.request_message(syn.dendrite.nonce, self.hotkey, target.hotkey, self.uuid, body_hash)
        syn.dendrite.signature = "0x" + self.keypair.sign(message).hex()
        body = encode(syn)
        hashed = type(syn).required_hash_fields
        if hashed:  # SDK 6.x axons read the hashed field list from the body (7+ ignore the extra key)
            body = body[:-1] + b',"required_hash_fields":' + msgspec.json.encode(list(hashed)) + b"}"
        headers = _wire.synapse_headers(syn, body_size=len(body))
        headers["computed_body_hash"] = body_hash
        digest = sha3_hex(body)
        headers[_wire.EXT_BODY_SHA3] = digest
        ext = _wire.extended_request_message(message, headers["timeout"], headers["name"], digest)
        headers[_wire.EXT_SIGNATURE] = "0x" + self.keypair.sign(ext).hex()
        headers["content-type"] = "application/json"
        return syn, body, headers

    def _host(self, target: AxonInfo) -> str:
        return "127.0.0.1" if self.external_ip and target.ip == self.external_ip else target.ip

    async def _call(self, target: AxonInfo, base: Synapse, body_hash: str, timeout: float) -> Synapse:
        start = time.perf_counter()
        syn, body, headers = self._prepare(target, base, body_hash, timeout)
        name = type(syn).__name__
        try:
            reply = await asyncio.wait_for(
                self._client().post(self._host(target), target.port, f"/{name}", headers, body), timeout)
            self._absorb(syn, target, reply)
        except Exception as exc:
            code, text = _map_error(exc, target, name, timeout)
            _set_status(syn, code, text)
        syn.dendrite.process_time = time.perf_counter() - start  # type: ignore[union-attr]
        return syn

    def _absorb(self, syn: Synapse, target: AxonInfo, reply: Answer) -> None:
        """Copy a verified answer onto ``syn`` (fields on 200; status and message always)."""
        headers = reply.headers
        axon = _wire.parse_terminal(headers, _wire.AXON_PREFIX)
        problem = self._check_signature(syn, target, axon, reply)
        if problem:
            _set_status(syn, 502, f"Response not verified from {target.ip}:{target.port}: {problem}")
            return
        status = reply.status
        if status == 200:
            answer = decode(type(syn), reply.body)
            for field in type(syn).__struct_fields__:
                if field not in BASE_FIELDS:
                    setattr(syn, field, getattr(answer, field))
            message = axon.status_message or "Success"
        else:
            try:
                message = str(msgspec.json.decode(reply.body).get("message", ""))
            except (msgspec.DecodeError, AttributeError):
                message = reply.body[:200].decode("utf-8", "replace")
        axon.status_code, axon.status_message = status, message
        syn.axon = axon
        syn.dendrite.status_code, syn.dendrite.status_message = status, message  # type: ignore[union-attr]

    def _check_signature(self, syn: Synapse, target: AxonInfo, axon: TerminalInfo, reply: Answer) -> str:
        """Empty when the answer is signed by ``target``'s hotkey (or unsigned and that is allowed)."""
        if axon.hotkey is not None and axon.hotkey != target.hotkey:
            return f"answered by hotkey {axon.hotkey}, not {target.hotkey}"
        extended = reply.headers.get(_wire.EXT_SIGNATURE)
        if axon.nonce is None or not (extended or axon.signature):
            return "the answer is not signed" if self.require_signed_responses else ""
        key = self._keys.get(target.hotkey)
        if key is None:
            try:
                key = Keypair.from_ss58(target.hotkey)
            except Exception:
                return f"target hotkey {target.hotkey!r} is not an ss58 address"
            if len(self._keys) > 4096:
                self._keys.clear()
            self._keys[target.hotkey] = key
        message = _wire.response_message(axon.nonce, self.hotkey, target.hotkey, axon.uuid)
        if extended:  # a taocli axon: signed over our nonce, the status and the body too
            ext = _wire.extended_response_message(message, syn.dendrite.nonce, reply.status, reply.body)
            return "" if key.verify(ext, extended) else "body signature mismatch"
        return "" if key.verify(message, typing.cast(str, axon.signature)) else "signature mismatch"

    def _background_loop(self) -> asyncio.AbstractEventLoop:
        if self._sync_loop is None:
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="dendrite-loop", daemon=True)
            thread.start()
            self._sync_loop, self._sync_thread = loop, thread
        return self._sync_loop


def _set_status(syn: Synapse, code: int, text: str) -> None:
    if syn.axon is None:
        syn.axon = TerminalInfo()
    syn.dendrite.status_code, syn.dendrite.status_message = code, text  # type: ignore[union-attr]


def _map_error(exc: Exception, target: AxonInfo, name: str, timeout: float) -> tuple[int, str]:
    """The SDK's client-side status codes (it maps aiohttp's exceptions; these are the stdlib's)."""
    where = f"{target.ip}:{target.port}/{name}"
    if isinstance(exc, asyncio.TimeoutError):
        return 408, f"Request timeout after {timeout} seconds"
    if isinstance(exc, ConnectionResetError):
        return 503, f"Service disconnected at {where}: {exc}"
    if isinstance(exc, ConnectionRefusedError):
        return 503, f"Service unavailable at {where}"
    if isinstance(exc, OSError):
        return 503, f"Service connection error at {where}: {exc.strerror or exc}"
    if isinstance(exc, httptools.HttpParserError):
        return 400, f"Payload error from {where}: {exc}"
    return 422, f"Failed to parse response from {where}: {type(exc).__name__}: {exc}"
