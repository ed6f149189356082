"""A minimal keep-alive HTTP load client with pre-signed SDK-style requests (tests and bench/axon.py).

Why not a dendrite: to measure an axon, the client must cost little and the same against every server, so
requests are signed beforehand (exactly as an SDK >= 7.2 dendrite signs them) and each connection sends its
own requests one after another over one keep-alive socket. Every connection uses its own dendrite uuid, so
its nonces rise strictly, which the SDK axon requires per (hotkey, uuid).
"""

from __future__ import annotations

import asyncio
import time
import uuid as uuid_lib
from collections import Counter
from dataclasses import dataclass, field

import neuron._wire as _wire
from neuron.synapse import Synapse, TerminalInfo, encode, normalised
from wallet.keypair import Keypair


def sdk_style_requests(keypair: Keypair, axon_hotkey: str, synapse: Synapse, count: int, *,
                       host: str = "127.0.0.1", timeout: float = 12.0, uuid: str | None = None,
                       nonce_offset_ns: int = 0) -> list[bytes]:
    """``count`` signed HTTP requests for one endpoint (hotkey, uuid), nonces rising."""
    uuid = uuid or str(uuid_lib.uuid1())
    base = normalised(synapse)
    base.timeout = timeout
    base.axon = TerminalInfo(ip=host, hotkey=axon_hotkey)
    body_hash = base.body_hash
    name = type(base).__name__
    hotkey = keypair.ss58_address
    out = []
    last = 0
    for _ in range(count):
        nonce = max(time.time_ns() + nonce_offset_ns, last + 1)
        last = nonce
        message = _wire.request_message(nonce, hotkey, axon_hotkey, uuid, body_hash)
        base.dendrite = TerminalInfo(ip=host, version=_wire.WIRE_VERSION, nonce=nonce, uuid=uuid, hotkey=hotkey,
                                     signature="0x" + keypair.sign(message).hex())
        body = encode(base)
        headers = _wire.synapse_headers(base, body_size=len(body))
        headers["computed_body_hash"] = body_hash
        out.append(http_request(name, host, headers, body))
    return out


def interleaved_requests(keypair: Keypair, axon_hotkey: str, synapse: Synapse, connections: int, per: int,
                         **options: object) -> list[list[bytes]]:
    """``per`` requests for each of ``connections`` endpoints, signed round-robin so that nonces follow the
    order in which connections running side by side will send them (as live dendrites' nonces do)."""
    uuids = [str(uuid_lib.uuid1()) for _ in range(connections)]
    out: list[list[bytes]] = [[] for _ in range(connections)]
    step = max(1, min(per, 50))  # a few requests per endpoint at a time keeps nonces in sending order
    for start in range(0, per, step):
        for i, uuid in enumerate(uuids):
            out[i] += sdk_style_requests(keypair, axon_hotkey, synapse, min(step, per - start), uuid=uuid,
                                         **options)  # type: ignore[arg-type]
    return out


def http_request(name: str, host: str, headers: dict[str, str], body: bytes) -> bytes:
    head = [f"POST /{name} HTTP/1.1", f"host: {host}", "content-type: application/json",
            f"content-length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    elapsed: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


async def _connection(host: str, port: int, requests: list[bytes], result: LoadResult, stop_at: float) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for request in requests:
            if time.perf_counter() > stop_at:
                break
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] += 1
            if b"connection: close" in head.lower():
                break
    finally:
        writer.close()


async def blast(host: str, port: int, per_connection: list[list[bytes]], seconds: float = 1e9) -> LoadResult:
    """Send each list over its own connection, all connections at once; stops early after ``seconds``."""
    result = LoadResult()
    started = time.perf_counter()
    await asyncio.gather(*(_connection(host, port, reqs, result, started + seconds) for reqs in per_connection))
    result.elapsed = time.perf_counter() - started
    return result
