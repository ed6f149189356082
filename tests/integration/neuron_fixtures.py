"""Shared pieces for neuron tests: synapse types, keys, an axon serving them on 127.0.0.1, raw requests."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import httpx
import pytest

from neuron import Axon, Dendrite, Synapse
from neuron.network import AxonInfo
from wallet.keypair import Keypair

AXON_KEY = Keypair.from_uri("//Alice")
CALLER_KEY = Keypair.from_uri("//Bob")
OTHER_KEY = Keypair.from_uri("//Charlie")


class Echo(Synapse):
    required_hash_fields: ClassVar[tuple[str, ...]] = ("text",)
    text: str
    note: str = ""  # not hashed: the SDK's signature does not cover it, taocli's does
    reply: str | None = None


class Sleep(Synapse):
    seconds: float = 0.0
    tag: str = ""


async def echo(syn: Echo) -> Echo:
    syn.reply = syn.text.upper()
    return syn


async def sleep(syn: Sleep) -> Sleep:
    await asyncio.sleep(syn.seconds)
    return syn


def start_axon(**options: Any) -> Axon:
    options.setdefault("host", "127.0.0.1")
    options.setdefault("port", 0)
    axon = Axon(AXON_KEY, **options)
    axon.attach(echo).attach(sleep)
    return axon.start()


@pytest.fixture
def axon_factory() -> Iterator[Callable[..., Axon]]:
    started: list[Axon] = []

    def make(**options: Any) -> Axon:
        axon = start_axon(**options)
        started.append(axon)
        return axon

    yield make
    for axon in started:
        axon.stop(grace=1.0)


@pytest.fixture
def dendrite() -> Iterator[Dendrite]:
    d = Dendrite(CALLER_KEY)
    yield d
    d.close()


def signed_request(dendrite: Dendrite, target: AxonInfo, syn: Synapse, timeout: float = 12.0
                   ) -> tuple[str, bytes, dict[str, str]]:
    """A correctly signed request as bytes, to tamper with before sending it by hand."""
    from neuron.synapse import normalised

    base = normalised(syn)
    _, body, headers = dendrite._prepare(target, base, base.body_hash, timeout)
    return f"{target.url}/{type(syn).__name__}", body, headers


def post(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(trust_env=False, timeout=10) as client:
        return client.post(url, content=body, headers=headers)


def healthy(dendrite: Dendrite, axon: Axon) -> bool:
    answer = dendrite.query(axon.info(), Echo(text="ping"), timeout=5)
    return answer.status_code == 200 and answer.reply == "PING"


def raw_exchange(port: int, data: bytes, wait: float = 2.0) -> bytes:
    """Send raw bytes, return whatever comes back before the server closes or ``wait`` passes."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        chunks = []
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def wait_listening(port: int, seconds: float = 30.0) -> None:
    """Until something accepts on 127.0.0.1:port (the SDK's axon returns from start() before it listens)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def stop_peer(proc: subprocess.Popen) -> None:
    """Stop an SDK peer process started with a stdin pipe: closing stdin asks it to exit; kill if it hangs."""
    assert proc.stdin is not None
    proc.stdin.close()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
