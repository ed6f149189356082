"""`kill -9` at any moment loses nothing: the node restarts at the last complete block, same balances."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time

import pytest
from substrateinterface import Keypair, SubstrateInterface

from tests.integration.node_fixtures import ROOT, NodeProcess, chain_fingerprint, fresh_node  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

ALICE = Keypair.create_from_uri("//Alice")
BOB = Keypair.create_from_uri("//Bob")


def _spam_then_kill(node: NodeProcess, seconds: float) -> None:
    """Run the node with blocks as fast as they seal, stream transfers at it, and `kill -9` it."""
    node.flags = ["--block-time", "0.02"]
    node.start()
    client = SubstrateInterface(url=node.url)
    call = client.compose_call("Balances", "transfer_keep_alive", {"dest": BOB.ss58_address, "value": 10**6})
    stop = threading.Event()

    def spam() -> None:
        nonce = client.get_account_nonce(ALICE.ss58_address)
        while not stop.is_set():
            try:
                client.submit_extrinsic(client.create_signed_extrinsic(call=call, keypair=ALICE, nonce=nonce))
                nonce += 1
            except Exception:
                return

    start_nonce = client.query("System", "Account", [ALICE.ss58_address]).value["nonce"]
    worker = threading.Thread(target=spam, daemon=True)
    worker.start()
    _wait_included_beyond(node, start_nonce)  # on a loaded machine the first transfer can take seconds to land
    time.sleep(seconds)
    node.kill9()  # mid-stream: blocks being sealed and committed, transactions arriving
    stop.set()
    worker.join(5)
    client.close()


def _wait_included_beyond(node: NodeProcess, nonce: int, timeout: float = 60.0) -> None:
    """Until a block holds one of this round's transfers, so each round adds blocks whatever the load."""
    watcher = SubstrateInterface(url=node.url)
    try:
        deadline = time.monotonic() + timeout
        while watcher.query("System", "Account", [ALICE.ss58_address]).value["nonce"] <= nonce:
            assert time.monotonic() < deadline, "no transfer was included in 60 s"
            time.sleep(0.02)
    finally:
        watcher.close()


def _check_state_matches_blocks(node: NodeProcess) -> int:
    """Every stored transfer applied exactly once, nothing half-written: nonce and balance agree."""
    best = int(node.result("chain_getHeader")["number"], 16)
    included = sum(len(node.result("chain_getBlock", [node.result("chain_getBlockHash", [n])])
                       ["block"]["extrinsics"]) - 1 for n in range(1, best + 1))
    client = SubstrateInterface(url=node.url)
    try:
        assert client.get_account_nonce(ALICE.ss58_address) == included
        bob = client.query("System", "Account", [BOB.ss58_address]).value["data"]["free"]
        assert bob == 1_000_000 * 10**9 + included * 10**6
    finally:
        client.close()
    return included


def test_kill9_at_random_moments_restarts_at_the_last_complete_block(fresh_node: NodeProcess):  # noqa: F811
    rng = random.Random(9)
    included = 0
    for _ in range(3):
        _spam_then_kill(fresh_node, rng.uniform(0.4, 1.2))
        fresh_node.flags = ["--instant"]  # restart without producing new blocks
        fresh_node.start()
        now = _check_state_matches_blocks(fresh_node)
        assert now > included  # each round added blocks and kept them
        included = now
        fresh_node.stop()
    fresh_node.start()
    first = chain_fingerprint(fresh_node)
    fresh_node.stop()
    fresh_node.start()
    assert chain_fingerprint(fresh_node) == first
    client = SubstrateInterface(url=fresh_node.url)  # the restarted chain keeps working
    try:
        call = client.compose_call("Balances", "transfer_keep_alive", {"dest": BOB.ss58_address, "value": 10**6})
        xt = client.create_signed_extrinsic(call=call, keypair=ALICE)
        assert client.submit_extrinsic(xt, wait_for_inclusion=True).is_success
    finally:
        client.close()


def test_starting_twice_on_one_port_is_one_clear_line(fresh_node: NodeProcess, tmp_path):  # noqa: F811
    fresh_node.start()
    second = subprocess.run(
        [sys.executable, "-m", "localnet", "--data-dir", str(tmp_path / "other"), "--port", str(fresh_node.port),
         "--instant"], capture_output=True, text=True, timeout=30, cwd=ROOT,
    )
    assert second.returncode == 2
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("localnet: error: port")
    assert "already in use" in lines[0] and "Traceback" not in second.stderr
    assert fresh_node.result("system_health")["peers"] == 0  # the first node is untouched
