"""Interop both ways with the official bittensor SDK (10.5.0 and 6.9.3) over 127.0.0.1.

The SDK runs as a subprocess in its own venv (tests/sdk_venv.py) with `sdk_neuron_peer.py`, serving or
calling a synapse class of the same name and fields. Each side verifies the other's signatures, and a
forged signature is refused by each axon.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from neuron import Axon, Dendrite, Synapse
from neuron.network import AxonInfo
from neuron.synapse import normalised
from tests.integration.neuron_fixtures import AXON_KEY, CALLER_KEY, Echo, stop_peer, wait_listening
from tests.integration.node_fixtures import free_port
from tests.sdk_venv import require_sdk

PEER = Path(__file__).with_name("sdk_neuron_peer.py")
VERSIONS = ["10.5.0", "6.9.3"]
pytestmark = [pytest.mark.slow, pytest.mark.interop]


def run_peer(version: str, *args: str, timeout: float = 120) -> list[dict]:
    python = require_sdk(version)
    proc = subprocess.run([str(python), str(PEER), *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


@pytest.fixture(params=VERSIONS)
def sdk_axon(request: pytest.FixtureRequest) -> Iterator[tuple[str, AxonInfo]]:
    """An SDK axon serving Echo as Alice on a free port; stopped by closing its stdin."""
    version = request.param
    python = require_sdk(version)
    port = free_port()
    proc = subprocess.Popen([str(python), str(PEER), "axon", str(port), "//Alice"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "READY", proc.stderr.read()[-2000:] if proc.poll() is not None else line
        wait_listening(port, 30.0)  # the SDK starts uvicorn in a thread and returns before it listens
        yield version, AxonInfo("127.0.0.1", port, AXON_KEY.ss58_address)
    finally:
        stop_peer(proc)




class Mixed(Synapse):
    required_hash_fields: ClassVar[tuple[str, ...]] = ("values", "text", "mapping", "count")
    text: str
    values: list[float]
    mapping: dict = {}  # noqa: RUF012
    count: int = 0


def test_body_hash_vectors_match_the_sdk() -> None:
    (sdk,) = run_peer("10.5.0", "hash")
    assert Echo(text="héllo wörld").body_hash == sdk["echo"]
    mixed = Mixed(text="t", values=[1, 2.5, 1e-7], mapping={"k": [1, 2]}, count=3)
    assert normalised(mixed).body_hash == sdk["mixed"]
    assert Synapse().body_hash == sdk["empty"]


def test_taocli_dendrite_calls_sdk_axon(sdk_axon) -> None:
    version, target = sdk_axon
    # 6.9.3 signs its answers and we verify them (unsigned would be 502); 10.5.0 signs only its refusals:
    # its success path answers from the body's synapse, which carries no axon signature.
    legacy = version.startswith("6.")
    with Dendrite(CALLER_KEY, require_signed_responses=legacy) as dendrite:
        answers = [dendrite.query(target, Echo(text=f"hi {i}", note="n"), timeout=10) for i in range(3)]
        fanned = dendrite.query([target, target], Echo(text="fan"), timeout=10)
    for i, answer in enumerate(answers):
        assert answer.status_code == 200, (version, answer.status_message)
        assert answer.reply == f"HI {i}/sdk"
        assert answer.axon.hotkey == AXON_KEY.ss58_address
        assert bool(answer.axon.signature) == legacy
    # Two calls to one SDK axon at once: it refuses a nonce that another request overtook on the wire (its
    # strictly-increasing rule), so one may be 401 "a newer one was last processed"; never anything else.
    assert [a.status_code for a in fanned].count(200) >= 1
    for answer in fanned:
        assert answer.status_code == 200 or (answer.status_code == 401 and "newer" in answer.status_message), (
            version, answer.status_code, answer.status_message)


def test_sdk_axon_refuses_a_forged_taocli_request(sdk_axon) -> None:
    version, target = sdk_axon
    with Dendrite(CALLER_KEY) as forger:
        forger.hotkey = "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y"  # claims Charlie, signs as Bob
        answer = forger.query(target, Echo(text="x"), timeout=10)
    assert answer.status_code == 401, (version, answer.status_message)  # not 502: the refusal's signature verified
    assert answer.reply is None and answer.axon.signature


@pytest.mark.parametrize("version", VERSIONS)
def test_sdk_dendrite_calls_taocli_axon(version: str) -> None:
    seen: list[str | None] = []

    async def forward(syn: Echo) -> Echo:
        seen.append(syn.dendrite.hotkey)
        syn.reply = syn.text.upper()
        return syn

    axon = Axon(AXON_KEY, host="127.0.0.1", port=0).attach(forward).start()
    try:
        results = run_peer(version, "dendrite", str(axon.port), AXON_KEY.ss58_address, "//Bob", "3")
        forged = run_peer(version, "forge", str(axon.port), AXON_KEY.ss58_address, "//Bob")
        stats = axon.stats()
    finally:
        axon.stop()
    assert [r["status"] for r in results] == [200, 200, 200], results
    assert [r["reply"] for r in results] == ["HELLO 0", "HELLO 1", "HELLO 2"]
    assert all(r["response_signature_ok"] for r in results), results  # the SDK verified our signed answers
    assert all(r["axon_hotkey"] == AXON_KEY.ss58_address for r in results)
    assert seen == [CALLER_KEY.ss58_address] * 3
    assert forged[0]["status"] == 401 and "signature" in forged[0]["message"].lower(), forged
    assert stats["by_status"] == {200: 3, 401: 1}


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
